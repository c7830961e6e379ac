"""The preview server: serve a build folder safely, and make open tabs reload after each rebuild."""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO
from urllib.parse import parse_qs, unquote, urlsplit

from broadsheet import urls
from broadsheet.errors import Problem, UsageError
from broadsheet.preview.cms import LocalBackend, answer_cms
from broadsheet.preview.includes import expand_includes
from broadsheet.preview.lookout import PreviewLookout
from broadsheet.preview.mime import content_type
from broadsheet.preview.origins import host_allowed, origin_allowed
from broadsheet.preview.reload import EVENTS_PATH, inject
from broadsheet.preview.targets import CONTROL, Resolved, page_rel, resolve_target
from broadsheet.preview.watch import Rebuilt

MAX_BODY = 1 << 16  # bytes of a request body read and dropped; more is refused
_LENGTH = re.compile(r"[0-9]{1,12}")
HEARTBEAT = 15.0  # seconds between keep-alive comments on the event stream; finds closed tabs
NOT_FOUND_PAGE = (
    b'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Not found</title></head>\n'
    b"<body><h1>Not found</h1></body></html>\n"
)


class PreviewState:
    """What the server shows: the folder, the build's version, and the problems of a failed build."""

    def __init__(self, root: Path, lookout: PreviewLookout | None = None):
        self.root = Path(os.path.abspath(root))
        self._token = secrets.token_hex(4)  # a restarted server has a new token, so old tabs reload
        self._generation = 0
        self._problems: tuple[Problem, ...] = ()
        self._closing = False
        self.lookout = lookout or PreviewLookout()  # the rebuild in progress: what it has drawn, who waits
        self._cond = self.lookout.cond
        # Output files named by a digest of their bytes (CSS, JS, resized images): what is served under such
        # a name never changes, so a tab may keep it across reloads instead of fetching it on every save.
        self.immutable: frozenset[str] = frozenset()
        self.prefix = ""  # the path the site is published under ('/paper'): the preview serves it there too

    @property
    def version(self) -> str:
        return f"{self._token}-{self._generation}"

    @property
    def next_version(self) -> str:
        """The version the rebuild in progress will have once published (its pages drawn early carry it)."""
        return f"{self._token}-{self._generation + 1}"

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self._problems

    def publish(self, done: Rebuilt, immutable: frozenset[str] | None = None) -> None:
        """Take a rebuild's outcome (the folder keeps the last good build) and wake every tab."""
        with self._cond:
            # A failure skips the version its pages drawn early carried, so that their tabs reload too.
            self._generation += 1 if done.ok else 2
            self._problems = tuple(done.problems)
            if immutable is not None:
                self.immutable = immutable
            self.lookout.finish()
            self._cond.notify_all()

    def wait_for_change(self, seen: str, timeout: float, rel: str | None = None) -> str | None:
        """Wait until a tab that has `seen` a version (and shows the page at `rel`) should reload: the build is
        newer, or the rebuild in progress has drawn its page. Return the version to reload to (None: timeout or
        close)."""
        with self._cond:
            self._cond.wait_for(lambda: self._closing or self._news(seen, rel), timeout)
            return None if self._closing else self._news(seen, rel)

    def _news(self, seen: str, rel: str | None) -> str | None:
        token, _, generation = seen.rpartition("-")
        if token != self._token or not generation.isdigit() or int(generation) < self._generation:
            return self.version
        if rel is not None and self.lookout.shows(rel) and seen != self.next_version:
            return self.next_version
        return None

    @property
    def closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        """Release every waiting event stream and request."""
        with self._cond:
            self._closing = True
            self.lookout.close()
            self._cond.notify_all()


def escape_controls(text: str) -> str:
    """Escape control characters so a request cannot repaint the terminal."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class PreviewHandler(BaseHTTPRequestHandler):
    """Answer GET and HEAD from the preview folder; stream reload events to open tabs."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"  # keep-alive, so a page's many requests share a connection
    server_version = "BroadsheetPreview"
    timeout = 30  # seconds an idle keep-alive connection may hold a thread
    disable_nagle_algorithm = True  # headers and body go out as two writes; Nagle would hold the body ~40 ms

    def version_string(self) -> str:
        return self.server_version

    # An error answers with a status line even when the request line was garbage (the base class would answer
    # such a line as HTTP/0.9: a bare body, which no client reads as an error).
    default_request_version = "HTTP/1.1"

    def parse_request(self) -> bool:
        """Read the request line and headers, then its body: a body left unread would be taken for a request."""
        words = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n").split()
        if len(words) != 3:  # not METHOD PATH VERSION (HTTP/0.9's two words included)
            self.command, self.request_version = "", self.default_request_version
            self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
            self.send_error(400, "Bad request line")
            return False
        # A POST (the editor's, to the CMS endpoint) is judged by its headers before its body is read.
        return super().parse_request() and (self.command == "POST" or self.discard_body())

    def body_length(self, limit: int = MAX_BODY) -> int | None:
        """Return the length a request announces (0 without one); refuse (400, then close) one that is not plain.

        Transfer-Encoding is refused outright: with Content-Length too it is request smuggling, and a preview
        never needs a chunked request. So are a Content-Length given twice or not one plain number, and a header
        line the parser drops or glues to another ('Content-Length : 5', a fold): its length would go unseen.
        """
        lengths = self.headers.get_all("Content-Length") or []
        if (
            self.headers.get_all("Transfer-Encoding")
            or self.headers.defects
            or any("\n" in v or "\r" in v for v in self.headers.values())
        ):
            self.send_error(400, "Transfer-Encoding or a malformed header line is not accepted")
            return None
        if not lengths:
            return 0
        if len(lengths) > 1 or not _LENGTH.fullmatch(lengths[0].strip()):
            self.send_error(400, "Content-Length must be given once, as a number")
            return None
        if int(lengths[0]) > limit:
            self.send_error(413, "a preview takes no request body" if limit == MAX_BODY else "request too large")
            return None
        return int(lengths[0])

    def read_body(self, left: int) -> bytes | None:
        """Read exactly `left` bytes of body (None: the client closed first)."""
        chunks = []
        while left and (chunk := self.rfile.read(min(left, 65536))):
            chunks.append(chunk)
            left -= len(chunk)
        if left:
            self.close_connection = True
            return None
        return b"".join(chunks)

    def discard_body(self) -> bool:
        """Read and drop a GET's or HEAD's body."""
        left = self.body_length()
        return left is not None and (not left or self.read_body(left) is not None)

    def do_POST(self) -> None:
        """Answer the browser editor's local backend (preview/cms.py); nothing else takes a POST."""
        if self.server.cms is None or urlsplit(self.path).path != urls.cms_api():
            return self.refuse_method()
        if answered := answer_cms(self, self.server.cms):
            self.send_bytes(*answered, "application/json", head=False)

    def refuse_method(self) -> None:
        self.close_connection = True  # its body, if any, is left unread
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD" + (", POST" if urlsplit(self.path).path == urls.cms_api() else ""))
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = refuse_method

    def do_GET(self) -> None:
        self.respond(head=False)

    def do_HEAD(self) -> None:
        self.respond(head=True)

    def respond(self, head: bool) -> None:
        try:
            if not host_allowed(self.headers.get("Host"), self.server.bound_host):
                return self.send_text(403, "Forbidden: unknown Host; open the preview at 127.0.0.1\n", head)
            if self.path.split("?", 1)[0] == EVENTS_PATH:
                return self.stream_events(head)
            target, staged = self.current(self.path)
            if staged is not None:
                self.send_staged(staged, head)
            elif target.location:
                self.send_response(301)
                self.send_header("Location", target.location)
                self.send_header("Content-Length", "0")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
            elif target.file:
                self.send_file(200, target.file, head)
            else:
                self.send_not_found(head)
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the client went away mid-response: nothing to tell it

    def current(self, raw_path: str) -> tuple[Resolved, bytes | None]:
        """Resolve a request path as the rebuild in progress leaves it: a page it is still to draw is waited for,
        and a page it drew, not yet published, is answered with its staged bytes (else None)."""
        state = self.server.state
        target = resolve_target(state.root, raw_path, state.prefix)
        rel = None if target.location else page_rel(raw_path, state.prefix)
        if rel is None:
            return target, None
        staged, waited = state.lookout.fresh(rel, target.file is not None)
        return (resolve_target(state.root, raw_path, state.prefix) if waited else target), staged

    def send_staged(self, data: bytes, head: bool) -> None:
        """Answer with a page the rebuild in progress drew: the version it will have, no problems (not yet)."""
        state = self.server.state
        rel = page_rel(self.path, state.prefix) or ""
        ctype = content_type(Path(rel))
        if ctype.startswith("text/html") and not rel.startswith("admin/"):
            data = inject(expand_includes(data, self.read_local), (), state.next_version)
        self.send_bytes(200, data, ctype, head)

    def send_file(self, status: int, path: Path, head: bool) -> None:
        ctype = content_type(path)
        try:
            f = open(path, "rb")  # noqa: SIM115 (the with below; opening may fail on its own)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return self.send_not_found(head)  # swapped away by a rebuild between resolve and open
        with f:
            if ctype.startswith("text/html") and not self.is_admin(path):  # with its includes (ssi, esi)
                page = expand_includes(f.read(), self.read_local)
                return self.send_bytes(
                    status, inject(page, self.server.state.problems, self.server.state.version), ctype, head
                )
            state = self.server.state
            rel = os.path.relpath(path, state.root).replace(os.sep, "/")
            cache = "public, max-age=31536000, immutable" if rel in state.immutable else "no-store"
            self.send_headers(status, ctype, os.fstat(f.fileno()).st_size, cache)
            if not head:
                shutil.copyfileobj(f, self.wfile)

    def read_local(self, url: str) -> bytes | None:
        """Read the file the site serves at a URL (an include's), or None."""
        target, staged = self.current(url)
        try:
            return staged if staged is not None else target.file.read_bytes() if target.file else None
        except OSError:
            return None

    def is_admin(self, path: Path) -> bool:
        """The browser editor's page gets no reload script: a rebuild after each save must not reload it."""
        return os.path.relpath(path, self.server.state.root).replace(os.sep, "/").startswith("admin/")

    def send_not_found(self, head: bool) -> None:
        root, first = self.server.state.root, unquote(urlsplit(self.path).path)[len(self.server.state.prefix) :]
        first = first.lstrip("/").split("/")[0]  # an edition's folder has its own 404.html (/pa/404.html)
        edition = root / first / "404.html"
        page = edition if first and "." not in first and edition.is_file() else root / "404.html"
        try:
            body = page.read_bytes()
        except OSError:
            body = NOT_FOUND_PAGE  # no build yet: still a page, so the overlay and reload script show
        self.send_bytes(
            404, inject(body, self.server.state.problems, self.server.state.version), "text/html; charset=utf-8", head
        )

    def send_text(self, status: int, text: str, head: bool) -> None:
        self.send_bytes(status, text.encode("utf-8"), "text/plain; charset=utf-8", head)

    def send_bytes(self, status: int, body: bytes, ctype: str, head: bool) -> None:
        self.send_headers(status, ctype, len(body))
        if not head:
            self.wfile.write(body)

    def send_headers(self, status: int, ctype: str, length: int, cache: str = "no-store") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", cache)  # no-store: a preview is always stale a second later
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def stream_events(self, head: bool) -> None:
        """Send 'reload' once the build differs from the one the tab shows (Server-Sent Events)."""
        bound = self.server.bound_host
        if not origin_allowed(self.headers.get("Origin"), bound):
            return self.send_text(403, "Forbidden: cross-origin live-reload request\n", head)
        query = parse_qs(urlsplit(self.path).query)
        seen, shown = query.get("v", [""])[0], query.get("p", [""])[0]  # the tab's version, and its page's path
        self.close_connection = True  # the stream ends with the connection
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        state = self.server.state
        rel = page_rel(shown, state.prefix) if shown else None
        with state.lookout.watching(rel):  # a rebuild draws this page first, and says 'reload' once it has
            self.wfile.write(b"retry: 500\n\n")  # reconnect fast after a server restart
            self.wfile.flush()
            while True:
                version = state.wait_for_change(seen, HEARTBEAT, rel)
                if state.closing:
                    return
                if version is not None:
                    self.wfile.write(f"event: reload\ndata: {version}\n\n".encode())
                    self.wfile.flush()
                    return
                self.wfile.write(b": ping\n\n")  # fails once the tab is gone, which ends this thread
                self.wfile.flush()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Errors only: a line per request would bury the one line per rebuild. Browsers ask for a favicon unasked.
        # A request line too long or unreadable is refused before it has a path.
        if isinstance(code, int) and code >= 400 and not getattr(self, "path", "").startswith("/favicon.ico"):
            self.log_message('"%s" %s', self.requestline, str(code))

    def log_message(self, format: str, *args) -> None:
        message = escape_controls(format % args)
        print(f"{self.address_string()} {message}", file=self.server.log, flush=True)


class PreviewServer(ThreadingHTTPServer):
    """A threaded HTTP server that can close its open connections on the way out."""

    daemon_threads = True
    request_queue_size = 64  # a page's burst of requests, or wrk's connections, must not be refused

    def __init__(self, address: tuple[str, int], state: PreviewState, log: TextIO | None = None):
        self.state = state
        self.cms: LocalBackend | None = None  # the browser editor's backend, set by `serve`
        self.bound_host = address[0]
        self.log = log or sys.stderr
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, PreviewHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def process_request(self, request, client_address) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return  # a tab closed or a client hung up: routine for a preview server
        print(f"broadsheet: preview server error for {client_address[0]}: {error!r}", file=self.log, flush=True)

    def start(self) -> threading.Thread:
        """Serve from a background thread."""
        thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, name="broadsheet-preview", daemon=True
        )
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop accepting, end event streams and idle connections, and close the socket."""
        self.state.close()
        self.shutdown()
        with self._open_lock:
            for sock in list(self._open):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self.server_close()


class PreviewServer6(PreviewServer):
    address_family = socket.AF_INET6


def make_server(
    state: PreviewState, host: str = "127.0.0.1", port: int = 0, log: TextIO | None = None
) -> PreviewServer:
    """Bind the preview server (not yet serving); UsageError if the address is taken or invalid."""
    cls = PreviewServer6 if ":" in host else PreviewServer
    try:
        return cls((host.strip("[]"), port), state, log)
    except OverflowError:
        raise UsageError(f"--port must be between 0 and 65535, not {port}") from None
    except OSError as e:
        hint = "; pick another with --port, or --port 0 for any free one" if e.errno == errno.EADDRINUSE else ""
        raise UsageError(f"cannot listen on {host}:{port}: {e.strerror or e}{hint}") from None
