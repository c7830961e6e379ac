"""The preview server on café Wi-Fi: raw requests that try to leave the folder, redirect away, or rebind DNS."""

from __future__ import annotations

import io
import os
import socket
import threading
from pathlib import Path

import pytest
from serve_support import TIMEOUT, EventStream, raw_request, request
from support import article, build, write_site

from broadsheet.cli import make_parser
from broadsheet.errors import Problem
from broadsheet.preview.origins import bind_warning
from broadsheet.preview.server import PreviewHandler, PreviewState, make_server
from broadsheet.preview.watch import Batch, Rebuilt

SECRET = b"TOP SECRET: never served"


class Log(io.TextIOBase):
    """A thread-safe text sink for the server's log."""

    def __init__(self):
        self.parts: list[str] = []
        self.lock = threading.Lock()

    def write(self, s: str) -> int:
        with self.lock:
            self.parts.append(s)
        return len(s)

    @property
    def text(self) -> str:
        with self.lock:
            return "".join(self.parts)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A built site served by the preview server, with a secret file and symlinks beside it."""
    tmp = tmp_path_factory.mktemp("serve")
    site = write_site(
        tmp / "site",
        {
            "content/national/a.md": article("First story"),
            "content/national/b.md": article("Second story", date="2026-02-02 09:00"),
        },
    )
    assert build(site) == 0
    public = site / "public"
    (tmp / "secret.txt").write_bytes(SECRET)
    (tmp / "outside").mkdir()
    (tmp / "outside" / "secret.txt").write_bytes(SECRET)
    (public / "escape").symlink_to(tmp / "outside")
    (public / "secret-link.txt").symlink_to(tmp / "secret.txt")
    (public / "inside-link.html").symlink_to(public / "national" / "a" / "index.html")
    (public / "empty-dir").mkdir()
    for name, data in {
        "feed.xml": b"<rss/>",
        "data.json": b"{}",
        "pic.webp": b"RIFF",
        "pic.avif": b"\0",
        "font.woff2": b"wOF2",
        "app.js": b"1;",
        "logo.svg": b"<svg/>",
    }.items():
        (public / "files").mkdir(exist_ok=True)
        (public / "files" / name).write_bytes(data)
    (public / "big.bin").write_bytes(os.urandom(8 * 1024 * 1024))
    log = Log()
    state = PreviewState(public)
    server = make_server(state, log=log)
    server.start()
    yield server.server_address[1], log, state, public
    server.stop()


TRAVERSALS = [
    "/../secret.txt",
    "/../../secret.txt",
    "/../../../../../../../../etc/passwd",
    "/national/../../../secret.txt",
    "/%2e%2e/%2e%2e/secret.txt",
    "/%2E%2E/%2E%2E/secret.txt",
    "/..%2f..%2fsecret.txt",
    "/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/.%2e/.%2e/secret.txt",
    "/%252e%252e/%252e%252e/secret.txt",
    "/%252e%252e%252f%252e%252e%252fsecret.txt",
    "/%25252e%25252e/%25252e%25252e/secret.txt",
    "/national/..%2f..%2f..%2fsecret.txt",
    "/%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt",
    "/..\\..\\secret.txt",
    "/%5c..%5c..%5csecret.txt",
    "/%255c..%255c..%255csecret.txt",
    "/national\\a\\index.html",
    "/escape/secret.txt",
    "/secret-link.txt",
    "/.broadsheet-output",
    "/index.html%00.css",
    "/" + "%25" * 6 + "2e",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_paths_that_leave_the_folder_get_404_never_the_file(served, path):
    port, _, _, _ = served
    resp = request(port, path)
    assert resp.status == 404
    assert SECRET not in resp.body and b"root:" not in resp.body
    assert "location" not in resp.headers


def test_a_symlink_inside_the_folder_is_served(served):
    port, _, _, _ = served
    resp = request(port, "/inside-link.html")
    assert resp.status == 200 and "<h1>First story</h1>" in resp.text


def test_directories_are_never_listed(served):
    port, _, _, _ = served
    for path in ("/empty-dir/", "/css/", "/files/"):
        resp = request(port, path)
        assert resp.status == 404, path
        assert "Page not found" in resp.text  # the 404 page, not a listing
        assert ">site.css<" not in resp.text and "pic.webp" not in resp.text


@pytest.mark.parametrize(
    "path",
    [
        "//evil.example/..%2f..",
        "//evil.example/",
        "//evil.example",
        "///evil.example/",
        "/\\evil.example",
        "/%2f%2fevil.example",
        "/%5cevil.example",
        "//national",
        "/national",
        "//national//a",
    ],
)
def test_no_redirect_ever_leaves_the_site(served, path):
    port, _, _, _ = served
    resp = request(port, path)
    location = resp.headers.get("location")
    if location is not None:
        assert resp.status == 301
        assert location.startswith("/") and not location.startswith(("//", "/\\"))
    else:
        assert resp.status == 404


def test_a_folder_without_slash_redirects_to_its_slash_form(served):
    port, _, _, _ = served
    resp = request(port, "/national/a")
    assert resp.status == 301 and resp.headers["location"] == "/national/a/"
    assert request(port, "//national//a").headers["location"] == "/national/a/"


@pytest.mark.parametrize(
    "name, ctype",
    [
        ("feed.xml", "application/xml"),
        ("data.json", "application/json"),
        ("pic.webp", "image/webp"),
        ("pic.avif", "image/avif"),
        ("font.woff2", "font/woff2"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("logo.svg", "image/svg+xml"),
    ],
)
def test_content_types(served, name, ctype):
    port, _, _, public = served
    resp = request(port, f"/files/{name}")
    assert resp.status == 200
    assert resp.headers["content-type"] == ctype
    assert resp.body == (public / "files" / name).read_bytes()
    assert resp.headers["cache-control"] == "no-store"


def test_pages_are_html_with_no_store_and_a_reload_script(served):
    port, _, _, _ = served
    resp = request(port, "/national/a/")
    assert resp.status == 200
    assert resp.headers["content-type"] == "text/html; charset=utf-8"
    assert resp.headers["cache-control"] == "no-store"
    assert "<h1>First story</h1>" in resp.text
    assert resp.text.index("EventSource") < resp.text.rindex("</body>")
    assert request(port, "/css/site.css").headers["content-type"] == "text/css; charset=utf-8"


def test_head_gives_the_headers_of_get_without_a_body(served):
    port, _, _, _ = served
    get = request(port, "/national/a/")
    head = request(port, "/national/a/", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.body))
    assert head.headers["content-type"] == get.headers["content-type"]
    missing = request(port, "/no/such/page/", method="HEAD")
    assert missing.status == 404 and missing.body == b""


def test_missing_pages_get_the_sites_404_page(served):
    port, _, _, _ = served
    resp = request(port, "/no/such/story/")
    assert resp.status == 404
    assert "Page not found" in resp.text  # the theme's 404.html, not a bare error
    assert resp.headers["cache-control"] == "no-store"
    assert "EventSource" in resp.text  # so a tab on a page about to be written reloads into it


def test_control_characters_are_escaped_in_the_log(served):
    port, log, _, _ = served
    answer = raw_request(
        port, b"GET /\x1b[2J\x1b]0;pwned\x07boom HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    assert answer.startswith(b"HTTP/1.1 404")
    assert "\\x1b[2J\\x1b]0;pwned\\x07boom" in log.text
    assert "\x1b" not in log.text and "\x07" not in log.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example:8000"},
        {"Host": "attacker.localhost.evil.example"},
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "https://127.0.0.1.evil.example"},
    ],
)
def test_live_reload_refuses_foreign_hosts_and_origins(served, headers):
    port, _, _, _ = served
    resp = request(port, "/__broadsheet/events?v=x", headers=headers)
    assert resp.status == 403
    assert b"event:" not in resp.body


def test_a_rebound_host_cannot_read_pages_either(served):
    port, _, _, _ = served
    resp = request(port, "/national/a/", headers={"Host": "evil.example"})
    assert resp.status == 403 and b"First story" not in resp.body


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_live_reload_accepts_local_names(served, host):
    port, _, _, _ = served
    resp = request(
        port, "/__broadsheet/events?v=stale", headers={"Host": f"{host}:{port}", "Origin": f"http://{host}:{port}"}
    )
    assert resp.status == 200
    assert resp.headers["content-type"] == "text/event-stream"
    assert b"event: reload" in resp.body  # the tab's version is stale, so it is told at once


def test_a_client_that_hangs_up_mid_response_does_not_hurt_the_server(served):
    port, _, _, _ = served
    for _ in range(3):
        sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        sock.sendall(f"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert sock.recv(1024).startswith(b"HTTP/1.1 200")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # reset
        sock.close()
    assert request(port, "/national/a/").status == 200


def test_a_closed_tab_does_not_hurt_the_server(served):
    port, _, state, _ = served
    version = state.version
    for _ in range(3):
        EventStream(port, version).close()
    state.publish(Rebuilt(Batch(frozenset()), None, (Problem(Path("content/x.md"), 3, "oops"),)))
    resp = request(port, "/national/a/")
    assert resp.status == 200 and "content/x.md:3: oops" in resp.text
    state.publish(Rebuilt(Batch(frozenset()), None, ()))
    assert "broadsheet-problems" not in request(port, "/national/a/").text


def test_it_binds_loopback_by_default(tmp_path):
    assert make_parser().parse_args(["serve"]).host == "127.0.0.1"
    server = make_server(PreviewState(tmp_path))
    try:
        assert server.server_address[0] == "127.0.0.1"
        assert server.url.startswith("http://127.0.0.1:")
    finally:
        server.server_close()


def test_binding_beyond_loopback_warns():
    assert bind_warning("127.0.0.1") is None
    assert bind_warning("localhost") is None
    assert bind_warning("::1") is None
    for host in ("0.0.0.0", "192.168.1.20", "::", "my-laptop.local"):
        warning = bind_warning(host)
        assert warning and "warning" in warning and host in warning


def test_stopping_closes_idle_connections_and_event_streams(tmp_path, monkeypatch):
    # The server's own idle timeout pushed far past this test's waits: only stop() can close the connection.
    monkeypatch.setattr(PreviewHandler, "timeout", 3600)
    (tmp_path / "index.html").write_text("<html><body>hi</body></html>")
    state = PreviewState(tmp_path)
    server = make_server(state)
    server.start()
    port = server.server_address[1]
    idle = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    idle.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    answer = b""
    while not answer.endswith(b"</html>"):  # the whole response; the connection stays open for the next
        chunk = idle.recv(65536)
        assert chunk, f"the server closed the connection before the whole page: {answer!r}"
        answer += chunk
    assert answer.startswith(b"HTTP/1.1 200")
    tab = EventStream(port, state.version)
    server.stop()
    try:
        assert idle.recv(1024) == b""  # closed by stop(), not left to the server's idle timeout
        assert tab.sock.recv(1024) == b""
    finally:
        idle.close()
        tab.close()
