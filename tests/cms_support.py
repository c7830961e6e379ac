"""Drive the browser editor (/admin/) in Chromium through the real Decap CMS bundle from node_modules."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from browser import NODE_MODULES, chromium, need_node_tool

DECAP_DIST = NODE_MODULES / "decap-cms" / "dist"
TIMEOUT_MS = 60_000  # Decap's 5 MB bundle on two shared cores


@contextlib.contextmanager
def admin_page(port: int, errors: list[str], timings: dict[str, float] | None = None) -> Iterator[object]:
    """Open serve's /admin/ with the CDN's Decap files answered from node_modules and any other host refused.

    The bundle keeps the SRI digest the page names: a copy that differs from the release would not run.
    Console errors and page errors are collected into `errors`; `timings` gets the monotonic instants the page
    was asked for, Decap's bundle was received (answered from node_modules through Playwright's route) and the
    Login button clicked.
    """
    import time

    timings = {} if timings is None else timings
    from broadsheet.plan.admin import DECAP_URL

    need_node_tool(DECAP_DIST / "decap-cms.js")
    cdn = DECAP_URL.rsplit("/", 1)[0] + "/"
    local = f"http://127.0.0.1:{port}/"

    def route(r) -> None:
        url = r.request.url
        if url.startswith(cdn):
            file = DECAP_DIST / url[len(cdn) :].split("?")[0]
            kind = (
                "text/javascript"
                if file.suffix == ".js"
                else "application/wasm"
                if file.suffix == ".wasm"
                else "text/css"
            )
            r.fulfill(
                status=200, body=file.read_bytes(), headers={"Content-Type": kind, "Access-Control-Allow-Origin": "*"}
            )
        elif url.startswith(local):
            r.continue_()
        else:
            errors.append(f"blocked request to {url}")
            r.abort()

    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", route)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.on(
            "requestfinished", lambda r: timings.setdefault("bundle", time.monotonic()) if r.url == DECAP_URL else None
        )
        timings["goto"] = time.monotonic()
        opened = page.goto(local + "admin/")
        if opened is None or opened.status != 200:  # no Login button will ever show: say why now
            problems = page.locator("#broadsheet-problems")
            why = problems.inner_text()[:2000] if problems.count() else page.content()[:2000]
            raise AssertionError(f"/admin/ answered {opened and opened.status}, so the editor cannot open:\n{why}")
        page.get_by_role("button", name="Login").click()
        timings["login"] = time.monotonic()
        yield page
        context.close()


def field(page, name: str):
    """The input of a field by its name in config.yml (Decap gives it the id '<name>-field-<n>')."""
    return page.locator(f"[id^='{name}-field-']").first


def publish(page) -> None:
    """Save the entry as an editor does: Publish, then Publish now; wait until Decap says it is saved."""
    page.get_by_role("button", name="Publish").first.click()
    page.get_by_text("Publish now", exact=True).click()
    try:
        page.get_by_text("Entry saved").wait_for()
    except Exception:
        import os

        if os.environ.get("CMS_SHOT"):
            page.screenshot(path=os.environ["CMS_SHOT"], full_page=True)
        raise
    page.get_by_text("Entry saved").wait_for(state="hidden")


def write_body(page, text: str) -> None:
    """Type the story into the Markdown widget's rich-text editor."""
    editor = page.locator("[data-slate-editor='true']").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def upload_picture(page, path: Path) -> None:
    """Choose a picture for the 'image' field: upload it in the media library and insert it."""
    page.get_by_role("button", name="Choose an image").click()
    page.locator("input[type='file']").set_input_files(str(path))
    page.get_by_role("button", name="Choose selected").click()
