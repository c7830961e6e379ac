"""`serve` draws first what is looked at: after a template edit, the page open in a tab (and any page requested)
is drawn, served and reloaded before the rest; no request gets a page's old bytes; the output ends as a clean
build leaves it."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from serve_support import EventStream, Response, page_version, request
from support import NOW, TIMEOUT, article, clean_build, tree_snapshot, write_site

from broadsheet.options import BuildOptions
from broadsheet.preview.lookout import PreviewLookout
from broadsheet.preview.server import PreviewState, make_server
from broadsheet.preview.session import Session
from broadsheet.preview.watch import Batch, run_build

PROBE = '<p class="probe">Edited byline</p>'
OPEN = "/national/story-3/"  # the page the tab shows
ASKED = "/national/story-7/"  # a page requested while the rebuild is still drawing


class HeldLookout(PreviewLookout):
    """A lookout that, once `hold` is set, lets the build go on after each drawn page only when the test allows
    it: so the test sees which pages were drawn first, and what is served while the rest are not drawn yet."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = False
        self.order: list[str] = []
        self.steps = threading.Semaphore(0)

    def ready(self, rel: str, changed: bool) -> None:
        super().ready(rel, changed)
        with self.cond:
            self.order.append(rel)
            self.cond.notify_all()
        if self.hold:
            assert self.steps.acquire(timeout=TIMEOUT), "the test never let the build go on"

    def let_go(self) -> None:
        self.hold = False
        self.steps.release(10_000)


@pytest.fixture
def preview(site, tmp_path):
    write_site(
        site, {f"content/national/story-{i}.md": article(f"Story {i}", date=f"2026-02-0{i} 09:00") for i in range(1, 9)}
    )
    lookout = HeldLookout()
    state = PreviewState(tmp_path / "preview", lookout)
    session = Session(BuildOptions(site, tmp_path / "preview", datetime.fromisoformat(NOW), jobs=1), None, lookout)
    state.publish(run_build(session, None))
    lookout.order.clear()
    server = make_server(state)
    server.start()
    yield site, session, state, lookout, server.server_address[1]
    lookout.let_go()
    server.stop()


def edit_byline(site) -> Batch:
    """Save the site's byline partial with one more line, as after `theme eject partials/byline.html`."""
    partial = site / "templates" / "partials" / "byline.html"
    partial.write_text(partial.read_text() + PROBE + "\n")
    return Batch(frozenset({partial}))


def get_in_background(port: int, path: str) -> tuple[threading.Thread, list[Response]]:
    answers: list[Response] = []
    thread = threading.Thread(target=lambda: answers.append(request(port, path)), daemon=True)
    thread.start()
    return thread, answers


def held_rebuild(site, session, state, lookout) -> threading.Thread:
    """Start a rebuild of a byline edit that draws one page at a time, as the test lets it (lookout.hold)."""
    lookout.hold = True
    batch = edit_byline(site)
    build = threading.Thread(target=lambda: state.publish(run_build(session, batch)), daemon=True)
    build.start()
    return build


def test_the_open_page_is_served_and_reloaded_before_the_rest_and_a_requested_page_is_drawn_next(preview, tmp_path):
    site, session, state, lookout, port = preview
    out = tmp_path / "preview"
    version = page_version(request(port, OPEN).text)
    with EventStream(port, version, page=OPEN) as tab:  # registered once the stream has started
        build = held_rebuild(site, session, state, lookout)

        early = tab.wait_reload()  # the open page is drawn first, and the tab is told at once
        assert lookout.order == ["national/story-3/index.html"]
        assert PROBE not in (out / "national/story-3/index.html").read_text()  # nothing is published yet
        shown = request(port, OPEN)
        assert PROBE in shown.text and page_version(shown.text) == early

        waiting, answers = get_in_background(port, ASKED)  # not drawn yet: it waits, and is drawn next
        with lookout.cond:
            assert lookout.cond.wait_for(lambda: "national/story-7/index.html" in lookout.wanted(), TIMEOUT)
        lookout.steps.release()
        waiting.join(TIMEOUT)
        assert answers and answers[0].status == 200 and PROBE in answers[0].text
        assert lookout.order == ["national/story-3/index.html", "national/story-7/index.html"]
        assert PROBE not in (out / "national/story-1/index.html").read_text()  # the rest: still to be drawn

        lookout.let_go()
        build.join(TIMEOUT)
    assert not build.is_alive()
    assert len(lookout.order) > 2  # the other pages the byline reaches were drawn after those two
    assert state.wait_for_change(early, 0.0, "national/story-3/index.html") is None  # the tab is up to date
    assert tree_snapshot(out) == clean_build(site, tmp_path, output=tmp_path / "clean")


def test_no_request_gets_the_old_bytes_of_a_page_the_rebuild_will_draw(preview, tmp_path):
    site, session, state, lookout, port = preview
    build = held_rebuild(site, session, state, lookout)
    waiting = [get_in_background(port, f"/national/story-{i}/") for i in (8, 1, 5)]
    rels = [f"national/story-{i}/index.html" for i in (8, 1, 5)]
    with lookout.cond:  # each is waiting (or was drawn first, its request in before any other page was drawn)
        assert lookout.cond.wait_for(lambda: all(r in lookout.wanted() or r in lookout.order for r in rels), TIMEOUT)
    lookout.let_go()
    build.join(TIMEOUT)
    for thread, answers in waiting:
        thread.join(TIMEOUT)
        assert answers and answers[0].status == 200 and PROBE in answers[0].text
    assert tree_snapshot(tmp_path / "preview") == clean_build(site, tmp_path, output=tmp_path / "clean")


def test_a_failed_rebuild_reloads_a_tab_its_page_was_drawn_for_and_serves_the_last_good_build(preview, tmp_path):
    site, session, state, lookout, port = preview
    version = page_version(request(port, OPEN).text)
    partial = site / "templates" / "partials" / "byline.html"
    # A mistake that breaks another page than the open one:
    broken = "{% if article.title == 'Story 6' %}{{ 1 // (article.title|length - 7) }}{% endif %}"
    partial.write_text(partial.read_text() + PROBE + broken + "\n")
    with EventStream(port, version, page=OPEN) as tab:
        lookout.hold = True
        build = threading.Thread(
            target=lambda: state.publish(run_build(session, Batch(frozenset({partial})))), daemon=True
        )
        build.start()
        early = tab.wait_reload()
        assert PROBE in request(port, OPEN).text  # drawn, though the build will fail
        lookout.let_go()
        build.join(TIMEOUT)
    assert state.problems and "byline.html" in state.problems[0].format()
    with EventStream(port, early, page=OPEN) as again:
        assert again.wait_reload() == state.version  # the tab is told, and shows the last good build, with why
    shown = request(port, OPEN).text
    assert PROBE not in shown and "broadsheet-problems" in shown


def test_a_stylesheet_saved_while_pages_are_drawn_is_seen_by_the_next_rebuild(preview, tmp_path):
    site, session, state, lookout, port = preview
    build = held_rebuild(site, session, state, lookout)
    with lookout.cond:  # the first page is drawn: the rest are not yet
        assert lookout.cond.wait_for(lambda: lookout.order, TIMEOUT)
    css = site / "static" / "css" / "site.css"
    css.write_text(css.read_text() + "\n:root { --probe: saved-while-drawing; }\n")
    lookout.let_go()
    build.join(TIMEOUT)
    state.publish(run_build(session, Batch(frozenset({css}))))  # the save, as the watcher hands it on
    assert tree_snapshot(tmp_path / "preview") == clean_build(site, tmp_path, output=tmp_path / "clean")
