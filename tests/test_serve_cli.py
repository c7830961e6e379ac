"""`serve` and `watch` as real processes: save, see the rebuild; break, see the problem; Ctrl-C, nothing left."""

from __future__ import annotations

import re
import threading

import pytest
from serve_support import TIMEOUT, CliProcess, EventStream, page_version, request, start_serve, temp_leftovers
from support import article, build, read, tree_snapshot, write_site
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

BROKEN = "---\ntitle: 'Unclosed\nsection: National\nauthor: Ann Writer\ndate: 2026-02-01 09:00\n---\nBody.\n"


def make_site(site):
    return write_site(
        site,
        {
            "content/national/a.md": article("First story"),
            "content/national/b.md": article("Second story", date="2026-02-02 09:00"),
        },
    )


@pytest.mark.slow
def test_serve_rebuilds_on_save_and_tells_open_tabs(site):
    make_site(site)
    proc, port = start_serve(site)
    try:
        page = request(port, "/national/a/")
        assert page.status == 200 and "<h1>First story</h1>" in page.text
        with EventStream(port, page_version(page.text)) as tab:
            (site / "content" / "national" / "a.md").write_text(article("Edited headline"))
            new_version = tab.wait_reload()
        reloaded = request(port, "/national/a/")
        assert "<h1>Edited headline</h1>" in reloaded.text
        assert page_version(reloaded.text) == new_version
        assert "Edited headline" in request(port, "/national/b/").text  # the sidebar follows
        proc.wait_line(r"^\d\d:\d\d:\d\d content/national/a\.md: \d+ pages written in \d+\.\d\d s$")
        assert not (site / "public").exists()  # previews never touch the deployable folder
    finally:
        code = proc.interrupt()
    assert code == 0


@pytest.mark.slow
def test_a_broken_save_shows_problems_over_the_last_good_build_until_fixed(site):
    make_site(site)
    proc, port = start_serve(site)
    try:
        md = site / "content" / "national" / "a.md"
        with EventStream(port, page_version(request(port, "/national/a/").text)) as tab:
            md.write_text(BROKEN)
            tab.wait_reload()
        page = request(port, "/national/a/")
        assert page.status == 200 and "<h1>First story</h1>" in page.text  # the last good build
        assert 'id="broadsheet-problems"' in page.text
        assert "content/national/a.md:2: invalid YAML in front matter: the quote that opens" in page.text
        assert "broadsheet-problems" in request(port, "/").text  # on every page
        proc.wait_line(r"content/national/a\.md: build failed with 1 problem in ")
        proc.wait_line(r"content/national/a\.md:2: invalid YAML")  # the terminal prints the same problem

        with EventStream(port, page_version(page.text)) as tab:
            md.write_text(article("Fixed story"))
            tab.wait_reload()
        page = request(port, "/national/a/")
        assert "<h1>Fixed story</h1>" in page.text
        assert "broadsheet-problems" not in page.text
    finally:
        proc.interrupt()


@pytest.mark.slow
def test_deleting_an_article_removes_its_page_and_drops_it_from_lists(site):
    make_site(site)
    proc, port = start_serve(site)
    try:
        home = request(port, "/")
        assert "First story" in home.text
        with EventStream(port, page_version(home.text)) as tab:
            (site / "content" / "national" / "a.md").unlink()
            tab.wait_reload()
        assert request(port, "/national/a/").status == 404
        for url in ("/", "/national/", "/national/b/"):
            assert "First story" not in request(port, url).text, url
    finally:
        proc.interrupt()


@pytest.mark.slow
def test_ctrl_c_stops_serve_cleanly_leaving_no_temp_folders(site):
    make_site(site)
    proc, port = start_serve(site)
    tab = EventStream(port, "stale-version-keeps-it-open")  # an open tab must not hold the exit
    code = proc.interrupt()
    tab.close()
    assert code == 0
    assert not any("Traceback" in line for line in proc.stderr), proc.stderr
    assert temp_leftovers(site) == []
    assert not (site / "public").exists()
    assert (site / ".broadsheet-cache" / ".gitignore").read_text().endswith("\n*\n")  # previews stay out of git


@pytest.mark.slow
def test_watch_rebuilds_public_without_any_reload_script(site):
    make_site(site)
    proc = CliProcess("watch", "--site", site, "--now", "2026-02-12T12:00:00-08:00")
    try:
        proc.wait_line(r"^Watching ")
        assert "<h1>First story</h1>" in read(site, "/national/a/")
        (site / "content" / "national" / "a.md").write_text(article("Watched edit"))
        proc.wait_line(r"content/national/a\.md: \d+ pages written")
        assert "<h1>Watched edit</h1>" in read(site, "/national/a/")
    finally:
        code = proc.interrupt()
    assert code == 0 and not any("Traceback" in line for line in proc.stderr)
    assert temp_leftovers(site.parent) == []
    files = tree_snapshot(site / "public")
    assert files and not any(b"EventSource" in data or b"__broadsheet" in data for data in files.values())


@pytest.mark.slow
def test_build_output_never_has_the_reload_script_even_after_serving(site):
    make_site(site)
    proc, port = start_serve(site)
    assert "EventSource" in request(port, "/national/a/").text
    proc.interrupt()
    assert build(site) == 0
    files = tree_snapshot(site / "public")
    assert not any(b"EventSource" in data or b"broadsheet-problems" in data for data in files.values())


def test_serve_refuses_a_missing_site_folder(tmp_path):
    proc = CliProcess("serve", "--site", tmp_path / "nope", "--port", "0")
    assert proc.wait() == 2
    assert any("no such folder" in line for line in proc.stderr)


@pytest.mark.slow
def test_ctrl_c_in_the_middle_of_writing_a_build_leaves_no_temp_folder(site):
    files = {f"static/files/f{i:04}.txt": f"file {i}\n" for i in range(3000)}  # a write phase long enough to hit
    write_site(site, {"content/national/a.md": article("First story"), **files})
    cache = site / ".broadsheet-cache"
    cache.mkdir()
    writing = threading.Event()

    class OnTemp(FileSystemEventHandler):
        def on_created(self, event):
            if ".preview.tmp-" in event.src_path:
                writing.set()

    observer = Observer()
    observer.schedule(OnTemp(), str(cache))
    observer.start()
    try:
        proc = CliProcess("serve", "--site", site, "--port", "0")
        assert writing.wait(TIMEOUT), f"the build never started writing: {proc.stderr}"
        code = proc.interrupt()
    finally:
        observer.stop()
        observer.join(timeout=5)
    assert code == 0 and not any("Traceback" in line for line in proc.stderr), proc.stderr
    printed = [*proc.seen, *proc.lines.queue]
    assert printed == ["Stopped."], printed  # stopped mid-build: no rebuild line, no "Serving"
    assert temp_leftovers(site) == []


@pytest.mark.slow
def test_serve_drafts_previews_draft_stories(site):
    write_site(
        site,
        {
            "content/national/a.md": article("First story"),
            "content/national/d.md": article("Draft story", draft="true"),
        },
    )
    proc, port = start_serve(site, "--drafts")
    try:
        assert "<h1>Draft story</h1>" in request(port, "/national/d/").text
    finally:
        proc.interrupt()


@pytest.mark.slow
def test_serve_open_opens_the_preview_in_the_users_browser(site, tmp_path, monkeypatch):
    make_site(site)
    fake_browser = tmp_path / "browser.sh"
    fake_browser.write_text('#!/bin/sh\necho "browser opened $1"\n')
    fake_browser.chmod(0o755)
    monkeypatch.setenv("BROWSER", f"{fake_browser} %s")  # webbrowser's documented way to pick the browser
    proc, port = start_serve(site, "--open")
    try:
        proc.wait_line(rf"^browser opened http://127\.0\.0\.1:{port}/$")
    finally:
        proc.interrupt()


@pytest.mark.slow
def test_fingerprinted_css_is_cached_by_tabs_and_a_changed_stylesheet_gets_a_new_name(site):
    make_site(site)
    proc, port = start_serve(site)
    try:
        page = request(port, "/national/a/")
        css = re.search(r'href="(/css/site\.[0-9a-f]{10}\.css)"', page.text).group(1)
        assert request(port, css).headers["cache-control"] == "public, max-age=31536000, immutable"
        assert request(port, "/css/site.css").headers["cache-control"] == "no-store"  # its plain name may change
        assert request(port, "/favicon.svg").headers["cache-control"] == "no-store"
        with EventStream(port, page_version(page.text)) as tab:
            stylesheet = site / "static" / "css" / "site.css"
            stylesheet.write_text(stylesheet.read_text() + "\n.note { color: teal; }\n")
            tab.wait_reload()
        new_css = re.search(r'href="(/css/site\.[0-9a-f]{10}\.css)"', request(port, "/national/a/").text).group(1)
        assert new_css != css
        served = request(port, new_css)
        assert ".note { color: teal; }" in served.text
        assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    finally:
        code = proc.interrupt()
    assert code == 0
