"""Real-browser helpers for the theme checks: serve a built site on 127.0.0.1 and drive Debian's Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NODE_MODULES = REPO / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# LinkChecker over a served site: every internal link and anchor, nothing on other hosts.
LINKCHECKER_RC = """\
[checking]
threads=4
# Past 10 a second only for a host that answers with a LinkChecker header, as the test server does.
maxrequestspersecond=1000
[filtering]
checkextern=0
[AnchorCheck]
[output]
verbose=0
"""


def need_node_tool(path: Path) -> Path:
    """Return a file from node_modules, or fail saying how to install it (never skip)."""
    assert path.is_file(), f"{path} is missing: run ./scripts/test, or `npm ci --ignore-scripts` in {REPO}"
    return path


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serve a folder like a static host does: index.html for folders, /404.html for what is missing."""

    def log_message(self, format: str, *args) -> None:  # keep test output quiet
        pass

    def end_headers(self) -> None:
        # LinkChecker waits 0.1-0.6 s between requests to a host unless the host answers with this header.
        self.send_header("LinkChecker", "local test server")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


SiteHandler.extensions_map = {
    **SiteHandler.extensions_map,
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve folder on an ephemeral 127.0.0.1 port; yield its base URL."""
    handler = functools.partial(SiteHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Launch Debian's Chromium through Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: run ./scripts/test, or apt-get install chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_context(browser, **options):
    """Open a browser context whose every page loads axe-core before its own scripts."""
    context = browser.new_context(**options)
    context.add_init_script(path=str(need_node_tool(AXE_JS)))
    return context


def run_axe(page, tags: list[str] | None = None) -> list[dict]:
    """Run axe-core on the loaded page (injecting it if needed); return its violations for the rule tags."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(need_node_tool(AXE_JS)))
    options = {"runOnly": {"type": "tag", "values": tags or WCAG_AA}, "resultTypes": ["violations"]}
    result = page.evaluate("async (options) => await axe.run(document, options)", options)
    return result["violations"]


def describe(violations: list[dict]) -> str:
    """Say what axe found, one rule and its first offending elements per line."""
    lines = []
    for v in violations:
        targets = "; ".join(
            " ".join(map(str, n["target"])) + f" ({n.get('failureSummary', '').splitlines()[-1].strip()})"
            for n in v["nodes"][:3]
        )
        lines.append(f"{v['id']} [{v['impact']}]: {v['help']} — {len(v['nodes'])} nodes, e.g. {targets}")
    return "\n".join(lines)
