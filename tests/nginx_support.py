"""A real nginx (Debian's package) serving one server block from a test's tmp_path: for the configurations the
README gives, and for server-side includes.

    with nginx(tmp_path, "server { root /srv/x; }") as port:
        request(port, "/")

The block is taken as written, with a `listen` on a free port of 127.0.0.1 added; the pid file, logs and
temporary folders are the test's own, so several can run at once and nothing outside tmp_path is written.
"""

from __future__ import annotations

import os
import re
import selectors
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TIMEOUT = 30.0  # an upper bound: waiting ends as soon as nginx says it is up
INSTALL = "nginx is missing: run ./scripts/test (it installs Debian's nginx), or `apt-get install nginx`"
MIME_TYPES = Path("/etc/nginx/mime.types")
READY = "start worker process"  # logged by the master once its sockets listen


def need_nginx() -> str:
    """Return the nginx binary, or fail saying how to install it (never skip)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    assert found, INSTALL
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config_text(folder: Path, server: str, port: int, http: str = "") -> str:
    """Return a whole nginx.conf around one server block (and more `http { }` directives, such as a map)."""
    block = re.sub(r"^\s*server\s*\{", f"server {{\n    listen 127.0.0.1:{port};", server.strip(), count=1)
    assert block != server.strip(), f"not a server block: {server[:80]!r}"
    temps = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    types = f"include {MIME_TYPES};" if MIME_TYPES.is_file() else "types { text/html html; text/css css; }"
    user = "user root;\n" if os.geteuid() == 0 else ""  # as root, workers would otherwise run as nobody
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log stderr notice;\n"
        f"events {{ worker_connections 64; }}\n"
        f"http {{\n    {types}\n    default_type application/octet-stream;\n    access_log off;\n{temps}\n"
        f"{http}\n{block}\n}}\n"
    )


def check_config(tmp_path: Path, server: str, http: str = "") -> subprocess.CompletedProcess:
    """Run `nginx -t` on the configuration (its verdict and messages are in the result)."""
    folder, conf = write_config(tmp_path, server, free_port(), http)
    return subprocess.run(
        [need_nginx(), "-t", "-p", str(folder), "-e", "stderr", "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def write_config(tmp_path: Path, server: str, port: int, http: str) -> tuple[Path, Path]:
    folder = tmp_path / f"nginx-{port}"
    folder.mkdir(parents=True)
    conf = folder / "nginx.conf"
    conf.write_text(config_text(folder, server, port, http))
    return folder, conf


@contextmanager
def nginx(tmp_path: Path, server: str, http: str = "") -> Iterator[int]:
    """Run nginx in the foreground with this server block until the block ends; yield its port."""
    port = free_port()
    folder, conf = write_config(tmp_path, server, port, http)
    proc = subprocess.Popen(
        [need_nginx(), "-p", str(folder), "-e", "stderr", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_ready(proc)
        yield port
    finally:
        proc.terminate()  # SIGTERM: a fast shutdown of master and workers
        proc.wait(timeout=TIMEOUT)
        proc.stderr.close()


def wait_ready(proc: subprocess.Popen) -> None:
    """Wait until nginx says its workers started (its sockets listen), or fail with what it said."""
    said = b""
    deadline = time.monotonic() + TIMEOUT
    fd = proc.stderr.fileno()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while (left := deadline - time.monotonic()) > 0 and sel.select(left):
            chunk = os.read(fd, 65536)
            if not chunk:  # nginx exited: a configuration it refused
                break
            said += chunk
            if READY.encode() in said:
                return
    proc.kill()
    raise AssertionError("nginx did not start:\n" + said.decode("utf-8", "replace"))
