"""The preview server speaks HTTP correctly over real sockets: a request body is read and dropped (never taken
for a second request), smuggling is refused, and a malformed request gets a proper error, never silence."""

from __future__ import annotations

import io
import re
import threading

import pytest
from serve_support import raw_request
from support import write_site

from broadsheet.preview.server import PreviewState, make_server


class Log(io.TextIOBase):
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
    root = tmp_path_factory.mktemp("http") / "public"
    write_site(
        root,
        {
            "index.html": "<html><body>HOME</body></html>",
            "secret/index.html": "<html><body>SMUGGLED</body></html>",
            "other/index.html": "<html><body>OTHER</body></html>",
        },
        templates=False,
    )
    log = Log()
    server = make_server(PreviewState(root), log=log)
    server.start()
    yield server.server_address[1], log
    server.stop()


def statuses(answer: bytes) -> list[int]:
    """The status of each response in a stream (a body need not end with a newline, so not only at line starts)."""
    return [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) [^\r\n]*\r\n", answer)]


def head(port: int, first: str = "GET / HTTP/1.1", extra: str = "") -> bytes:
    return f"{first}\r\nHost: 127.0.0.1:{port}\r\n{extra}".encode()


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize(
    "body", [b"", b"x" * 10, b"GET /secret/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", bytes(range(256)) * 100]
)
def test_a_request_body_is_read_and_dropped_not_answered_as_a_request(served, method, body):
    port, log = served
    first = head(port, f"{method} / HTTP/1.1", f"Content-Length: {len(body)}\r\n\r\n") + body
    second = head(port, "GET /other/ HTTP/1.1", "Connection: close\r\n\r\n")
    answer = raw_request(port, first + second)
    assert statuses(answer) == [200, 200], answer[:300]
    assert b"SMUGGLED" not in answer and b"OTHER" in answer
    assert "Traceback" not in log.text


@pytest.mark.parametrize(
    "headers",
    [
        "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n",
        "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\n",
        "Transfer-Encoding:  xchunked\r\n",
        "Content-Length: 4\r\nContent-Length: 4\r\n",
        "Content-Length : 4\r\n",
        "Content-Length\t: 4\r\n",
        "X-Note: a\r\n Content-Length: 4\r\n",
        "X-Note: a\r\n\tContent-Length: 4\r\n",
        "Content-Length: 4, 4\r\n",
        "Content-Length: -1\r\n",
        "Content-Length: +4\r\n",
        "Content-Length: 0x4\r\n",
        "Content-Length: \u0664\r\n",
    ],
)
def test_smuggling_headers_are_refused_with_400_and_the_connection_closed(served, headers):
    port, log = served
    smuggled = b"0\r\n\r\nGET /secret/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    answer = raw_request(port, head(port, extra=headers + "\r\n").replace(b"\\u0664", "٤".encode()) + smuggled)
    assert statuses(answer) == [400], answer[:300]
    assert b"SMUGGLED" not in answer and b"HOME" not in answer


def test_a_huge_body_is_refused_without_being_read(served):
    port, _ = served
    assert statuses(raw_request(port, head(port, extra="Content-Length: 1000000000\r\n\r\n"))) == [413]


@pytest.mark.parametrize(
    "request_line, status",
    [
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1", 414),
        (b"\x00\x01\x02garbage\xff", 400),
        (b"GET", 400),
        (b"GET /", 400),
        (b"GET / HTTP/1.1 extra", 400),
        (b"GET / HTTP/x.y", 400),
        (b"GET / HTTP/1.1.1", 400),
        (b"GET / HTTP/9.9", 505),
        (b"BREW /pot HTTP/1.1", 501),
    ],
)
def test_a_malformed_request_gets_a_proper_error_and_the_server_goes_on(served, request_line, status):
    port, log = served
    answer = raw_request(port, request_line + f"\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    assert statuses(answer) == [status], answer[:200]
    assert b"Content-Type:" in answer.split(b"\r\n\r\n")[0]
    assert "Traceback" not in log.text and "AttributeError" not in log.text
    ok = raw_request(port, head(port, extra="Connection: close\r\n\r\n"))
    assert statuses(ok) == [200] and b"HOME" in ok
