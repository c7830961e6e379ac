"""Helpers for the preview-server and watch tests: a real `serve` process, raw HTTP, and an SSE reader."""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from support import NOW, REPO, TIMEOUT


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(port: int, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> Response:
    """Send one request exactly as given (no normalising of the path) and read the whole answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        sent = {"Host": f"127.0.0.1:{port}", **(headers or {})}
        for name, value in sent.items():
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)
    finally:
        conn.close()


def raw_request(port: int, data: bytes) -> bytes:
    """Send raw bytes and return everything the server answers before closing."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


class EventStream:
    """A live-reload client, like the script in a page: connect with a version, wait for 'reload'."""

    def __init__(self, port: int, version: str, page: str = ""):
        """`page`: the path of the page the tab shows (as the script sends it), which a rebuild draws first."""
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        shown = f"&p={quote(page, safe='')}" if page else ""
        self.sock.sendall(
            f"GET /__broadsheet/events?v={version}{shown} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        self.buffer = b""
        head = self.read_until(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        assert b"text/event-stream" in head
        self.read_until(b"retry: 500\n\n")  # the server has registered us once this arrives

    def read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise AssertionError(f"stream closed before {marker!r}; got {self.buffer!r}")
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(marker)
        return head + marker

    def wait_reload(self) -> str:
        """Block until the server says 'reload'; return the new version."""
        event = self.read_until(b"\n\n")
        while b"event: reload" not in event:
            event = self.read_until(b"\n\n")
        return re.search(rb"data: (\S+)", event).group(1).decode()

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def page_version(html: str) -> str:
    """Read the build version a served page was given (from its reload script)."""
    m = re.search(r"\?v=([0-9a-f]+-\d+)", html)
    assert m, "no reload script in the page"
    return m.group(1)


class CliProcess:
    """`python build.py serve|watch …` in a subprocess, with its output read line by line."""

    def __init__(self, *args: str | Path, cwd: Path | None = None):
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), *map(str, args)],
            cwd=cwd or REPO,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            # Ctrl-C as a terminal sends it, even when the tests themselves run where SIGINT is ignored (a job
            # started with & by a shell without job control): the child would inherit the ignoring.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.stderr: list[str] = []
        self._out = threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines), daemon=True)
        self._out.start()
        self._err = threading.Thread(target=self._collect, args=(self.proc.stderr,), daemon=True)
        self._err.start()

    @staticmethod
    def _pump(stream, lines: queue.Queue[str]) -> None:
        with stream:
            for line in stream:
                lines.put(line.rstrip("\n"))

    def _collect(self, stream) -> None:
        with stream:
            for line in stream:
                self.stderr.append(line.rstrip("\n"))

    def wait_line(self, pattern: str, timeout: float = TIMEOUT) -> re.Match:
        """Wait for a stdout line matching the regex; the lines before it are kept in `seen`."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(remaining, 0.01))
            except queue.Empty:
                raise AssertionError(
                    f"no line matching {pattern!r} within {timeout} s; stdout: {self.seen}; stderr: {self.stderr}"
                ) from None
            self.seen.append(line)
            if m := re.search(pattern, line):
                return m

    def interrupt(self, timeout: float = TIMEOUT) -> int:
        """Send SIGINT (Ctrl-C) and wait for the process to exit (it fails the test if it never does); return
        the exit code."""
        self.proc.send_signal(signal.SIGINT)
        return self.wait(timeout)

    def wait(self, timeout: float = TIMEOUT) -> int:
        """Wait for the process to end by itself and for all it printed; return its exit code."""
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"the process did not exit within {timeout} s; stderr: {self.stderr}") from None
        self._out.join(timeout=TIMEOUT)
        self._err.join(timeout=TIMEOUT)
        return code


def start_serve(site: Path, *extra: str) -> tuple[CliProcess, int]:
    """Start `serve` on a free port; return the process and its port once the first build is served."""
    proc = CliProcess("serve", "--site", site, "--port", "0", "--now", NOW, *extra)
    m = proc.wait_line(r"Serving .* at http://127\.0\.0\.1:(\d+)/")
    return proc, int(m.group(1))


def temp_leftovers(root: Path) -> list[str]:
    """List temporary build folders (.*.tmp-*, .*.old-*) anywhere under root."""
    return [str(p) for p in root.rglob("*") if re.search(r"\.(tmp|old)-[0-9a-f]+$", p.name)]
