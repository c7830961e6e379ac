"""Incremental output: only changed files are written, the changed URLs are listed, failures change nothing."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest
from support import NOW, article, build, clean_build, read, tree_snapshot, write_site

import broadsheet.incremental.summary
import broadsheet.output.listing
from broadsheet.incremental.summary import cache_header
from broadsheet.options import BuildOptions
from broadsheet.preview.lookout import PreviewLookout
from broadsheet.preview.session import Session

OLD_NS = 1_000_000_000 * 1_000_000_000  # 2001-09-09


def mtimes(root: Path) -> dict[str, int]:
    """Each output file's mtime, leaving out the search index: Pagefind rewrites it whenever a page changes."""
    return {
        rel: p.stat().st_mtime_ns
        for p in root.rglob("*")
        if p.is_file() and not (rel := p.relative_to(root).as_posix()).startswith("pagefind/")
    }


def three_stories(site: Path) -> Path:
    return write_site(
        site,
        {
            "content/a.md": article("Alpha", date="2026-02-01 09:00", summary="'Alpha summary.'"),
            "content/b.md": article("Bravo", date="2026-02-02 09:00", summary="'Bravo summary.'"),
            "content/c.md": article("Charlie", date="2026-02-03 09:00", section="Sports", summary="'Charlie summary.'"),
        },
    )


def changed_urls(site: Path) -> list[str]:
    return (site / ".broadsheet-cache" / "changed-urls.txt").read_text().splitlines()


def pages_and_index(urls: list[str] | tuple[str, ...]) -> tuple[list[str], set[str]]:
    """Split changed URLs into pages (feeds left out: they carry whole bodies) and the search-index shards
    they touch (pagefind/ itself, or pagefind/shards/<name>/)."""
    shards = {
        "/".join(u.split("/pagefind/", 1)[1].split("/")[:2]) if "/pagefind/shards/" in u else "head"
        for u in urls
        if "/pagefind/" in u and not u.endswith("shards.json")
    }
    return [u for u in urls if "/pagefind/" not in u and not u.endswith(("feed.xml", "rss.xml"))], shards


def test_a_body_edit_rewrites_only_that_story_and_lists_its_url(site):
    three_stories(site)
    assert build(site) == 0
    before = mtimes(site / "public")
    (site / "content/a.md").write_text(
        article("Alpha", date="2026-02-01 09:00", summary="'Alpha summary.'", body="A rewritten body.")
    )
    assert build(site) == 0
    after = mtimes(site / "public")
    assert "A rewritten body." in read(site, "/national/a/")
    rewritten = {rel for rel in after if after[rel] != before[rel]}
    feeds = {rel for rel in rewritten if rel.endswith(("feed.xml", "rss.xml"))}  # feeds carry whole bodies
    assert rewritten - feeds == {"national/a/index.html"}  # no sidebar, list or front page
    pages, shards = pages_and_index(changed_urls(site))
    assert pages == ["https://gazette.example/national/a/"]
    assert len(shards) == 1  # the search index's shard that holds the story, and no other


def test_a_build_with_nothing_changed_writes_nothing(site):
    three_stories(site)
    assert build(site) == 0
    before = mtimes(site / "public")
    assert build(site) == 0
    assert mtimes(site / "public") == before
    assert changed_urls(site) == []


@pytest.mark.slow
def test_a_headline_edit_rewrites_the_pages_that_show_it(site):
    three_stories(site)
    assert build(site) == 0
    before = mtimes(site / "public")
    (site / "content/a.md").write_text(article("Alpha renamed", date="2026-02-01 09:00", summary="'Alpha summary.'"))
    assert build(site, "--changed", site.parent / "purge.txt") == 0
    after = mtimes(site / "public")
    rewritten = {rel for rel in after if after[rel] != before[rel]}
    # its own page, the sidebar of the later National story, and every list that shows it
    assert {
        "national/a/index.html",
        "national/b/index.html",
        "index.html",
        "national/index.html",
        "authors/ann-writer/index.html",
    } <= rewritten
    assert "sports/c/index.html" not in rewritten  # another section's sidebar does not show it
    listed = (site.parent / "purge.txt").read_text().splitlines()
    assert "https://gazette.example/national/b/" in listed and "https://gazette.example/sports/c/" not in listed


@pytest.mark.slow
def test_a_deleted_story_disappears_with_its_folder_and_is_listed(site):
    three_stories(site)
    assert build(site) == 0
    (site / "content/c.md").unlink()
    assert build(site) == 0
    assert not (site / "public/sports/c").exists()
    assert "https://gazette.example/sports/c/" in changed_urls(site)


def test_a_failed_build_leaves_the_previous_output_untouched(site, capsys):
    three_stories(site)
    assert build(site) == 0
    before, times = tree_snapshot(site / "public"), mtimes(site / "public")
    (site / "content/a.md").write_text(article("Alpha", date="2026-02-01 09:00", body="New body."))
    (site / "templates/partials/card.html").write_text("{% if %}broken\n")
    assert build(site) == 1
    assert "card.html" in capsys.readouterr().err
    assert tree_snapshot(site / "public") == before and mtimes(site / "public") == times
    assert [p.name for p in site.iterdir() if ".tmp-" in p.name] == []


DAMAGES = {
    "garbage": lambda data: b"\x80\x05not a pickle at all",
    "truncated": lambda data: data[: len(data) // 2],  # a build killed while writing it, by a tool without rename
    # Another program's pickles under our names: this code's header, then objects of the wrong kind.
    "foreign": lambda data: b"".join(pickle.dumps(part) for part in (cache_header(), {"not": "ours"}, {}, {})),
}


@pytest.mark.slow
@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_or_foreign_cache_is_ignored(site, tmp_path, damage):
    """Both files the cache keeps are damaged and a story changes: the build starts over and is right."""
    old_site_built(site)  # sources old enough that the summary (the no-change shortcut) is written too
    for name in ("memory.pickle", "summary.pickle"):  # what broadsheet/incremental/store.py keeps
        path = site / ".broadsheet-cache" / name
        path.write_bytes(DAMAGES[damage](path.read_bytes()))
    (site / "content/a.md").write_text(
        article("Alpha rewritten", date="2026-02-01 09:00", summary="'Alpha summary.'", body="A new body.")
    )
    assert build(site) == 0
    assert "<h1>Alpha rewritten</h1>" in read(site, "/national/a/") and "A new body." in read(site, "/national/a/")
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)


def test_output_edited_by_hand_is_put_back(site):
    three_stories(site)
    assert build(site) == 0
    page = site / "public/national/a/index.html"
    good = page.read_bytes()
    page.write_bytes(b"defaced")
    (site / "public/national/b/index.html").unlink()
    assert build(site) == 0
    assert page.read_bytes() == good and (site / "public/national/b/index.html").exists()


def old_site_built(site: Path, more: dict[str, str] | None = None) -> None:
    """Build three stories (and `more` files) whose files are all older than the racy window, so the summary is
    written."""
    three_stories(site)
    write_site(site, more or {}, templates=False)
    for path in site.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(OLD_NS, OLD_NS))
    assert build(site) == 0
    assert (site / ".broadsheet-cache" / "summary.pickle").exists()


def test_old_unchanged_files_are_trusted_by_stat_and_edits_still_seen(site):
    """With sources older than the racy window, a no-change build is proved from stats alone."""
    old_site_built(site)
    before = mtimes(site / "public")
    assert build(site) == 0
    assert mtimes(site / "public") == before
    # the same size, a different mtime: still an edit
    text = (site / "content/a.md").read_text()
    (site / "content/a.md").write_text(text.replace("Body text.", "Body tex!."))
    os.utime(site / "content/a.md", ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    assert build(site) == 0
    assert "Body tex!." in read(site, "/national/a/")


@pytest.mark.parametrize("dropped", ["a file", "a link", "a temporary folder"])
def test_a_no_change_build_proved_from_stats_still_clears_what_was_dropped_into_the_output(site, dropped, capsys):
    """The summary proves the pages current; anything else found in or beside the output folder still goes."""
    old_site_built(site)
    out = site / "public"
    stray = {
        "a file": out / "stray.html",
        "a link": out / "national" / "to-content",
        "a temporary folder": site / ".public.tmp-0123abcd",
    }[dropped]
    if dropped == "a link":
        stray.symlink_to(site / "content")
    elif dropped == "a file":
        stray.write_text("dropped here by hand")
    else:
        (stray / "national").mkdir(parents=True)
    capsys.readouterr()
    assert build(site) == 0
    assert not stray.exists() and not stray.is_symlink()
    assert build(site) == 0  # and now nothing at all is left to do
    assert "Rendered 0 pages; 0 files changed" in capsys.readouterr().out.splitlines()[-1]


@pytest.fixture(params=["here", "in a second process"])
def checked_in(request, monkeypatch) -> str:
    """Where a build proving the output by stat checks the output files: a large site checks them in a second
    process while this one checks the rest (made to here from the first file)."""
    if request.param != "here":
        monkeypatch.setattr(broadsheet.incremental.summary, "BESIDE_FROM", 0)
        monkeypatch.setenv("BROADSHEET_JOBS", "2")
    return request.param


HARMS = ["defaced", "removed", "a folder in its place"]


def harmed(page: Path, harm: str) -> None:
    if harm == "a file dropped in":
        (page.parent / "stray.html").write_text("dropped here by hand")
    elif harm == "defaced":
        page.write_bytes(b"defaced")
    elif harm == "removed":
        page.unlink()
    else:
        page.unlink()
        page.mkdir()


@pytest.mark.parametrize("harm", HARMS)
def test_a_page_harmed_after_a_build_proved_from_stats_is_put_back(site, checked_in, forks, harm):
    old_site_built(site)
    page = site / "public/national/a/index.html"
    good = page.read_bytes()
    assert build(site) == 0  # proved unchanged from stats alone
    harmed(page, harm)
    forks.clear()
    assert build(site) == 0
    assert page.read_bytes() == good
    assert bool(forks) == (checked_in != "here")


EDITED = "content/b.md"
NEXT_DAY = "2026-02-13T09:00:00-08:00"


@pytest.mark.parametrize("harm", [None, *HARMS, "a file dropped in"])
@pytest.mark.parametrize("change", ["a story edited", "a story added", "the next day"])
def test_a_build_with_work_to_do_trusts_the_output_only_when_its_stats_prove_it(
    site, tmp_path, checked_in, harm, change
):
    """A build with something to do checks the output by stat as well: found as the last build left it, its
    recorded stamps are trusted (no file stat'd or read again); a page harmed meanwhile is still put back."""
    old_site_built(site)
    now = NOW
    if change == "a story edited":
        text = (site / EDITED).read_text()
        (site / EDITED).write_text(text.replace("Body text.", "New words."))
        os.utime(site / EDITED, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    elif change == "a story added":
        write_site(site, {"content/d.md": article("Delta", date="2026-02-04 09:00")}, templates=False)
    else:
        now = NEXT_DAY
    if harm is not None:
        harmed(site / "public/national/a/index.html", harm)
    assert build(site, now=now) == 0
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path, now=now)
    if change == "a story edited":
        assert "New words." in read(site, "/national/b/")


def test_a_later_clock_the_same_day_rewrites_no_page_and_the_next_day_changes_the_edition(site):
    three_stories(site)
    assert build(site) == 0
    before = mtimes(site / "public")
    assert build(site, now="2026-02-12T15:00:00-08:00") == 0
    after = mtimes(site / "public")
    rewritten = {rel for rel in after if after[rel] != before[rel]}
    assert rewritten == set()  # the edition date is a live region; an empty feed is dated by the first story
    (site / "site.toml").write_text((site / "site.toml").read_text() + 'includes = "static"\n')
    assert build(site, now="2026-02-13T09:00:00-08:00") == 0
    assert "Friday, February 13, 2026" in read(site, "/sports/c/")  # drawn into every page


def test_builder_rebuild_writes_a_body_edit_and_reports_it(site):
    three_stories(site)
    builder = Session(BuildOptions(site, site / "public", __import__("datetime").datetime.fromisoformat(NOW)))
    builder.rebuild()
    (site / "content/b.md").write_text(
        article("Bravo", date="2026-02-02 09:00", summary="'Bravo summary.'", body="Fresh words.")
    )
    result = builder.rebuild({site / "content/b.md"})
    builder.close()
    assert "Fresh words." in read(site, "/national/b/")
    pages, shards = pages_and_index(result.changed_urls)
    assert pages == ["https://gazette.example/national/b/"] and len(shards) == 1


@pytest.mark.slow
def test_a_cache_written_by_other_code_is_not_trusted(site):
    """Cached articles are only as good as the code that parsed them: another version's cache is ignored."""
    import dataclasses
    import pickle

    from broadsheet.incremental.store import load_memory
    from broadsheet.incremental.summary import cache_header

    three_stories(site)
    assert build(site) == 0

    def poison(header: tuple) -> None:
        memory = load_memory(site)
        sources = {
            name: dataclasses.replace(source, article=dataclasses.replace(source.article, title="Poisoned"))
            if name.endswith("a.md")
            else source
            for name, source in memory.sources.items()
        }
        # Other options than any build's: the site is made again from the cached stories.
        memory = dataclasses.replace(memory, sources=sources, options=("poisoned",), records={}, folders={})
        with open(site / ".broadsheet-cache" / "memory.pickle", "rb") as f:
            pickle.load(f)
            generation = pickle.load(f)  # of the bodies' table beside it (incremental/bodies.py)
        with open(site / ".broadsheet-cache" / "memory.pickle", "wb") as f:  # the layout store.save writes
            for part in (header, generation, memory, {}, {}, {}):
                pickle.dump(part, f)
        (site / ".broadsheet-cache" / "summary.pickle").unlink(missing_ok=True)

    poison(cache_header())  # the control: this code trusts its own cache
    assert build(site) == 0
    assert "Poisoned" in read(site, "/national/a/")
    poison((*cache_header()[:-1], b"older code"))
    assert build(site) == 0
    assert "Poisoned" not in read(site, "/national/a/") and "<h1>Alpha</h1>" in read(site, "/national/a/")


def test_build_from_inside_the_site_and_serve_share_one_cache(site, monkeypatch):
    """`python build.py` in the site folder and `serve` (absolute paths) must not redo each other's work."""
    from datetime import datetime

    from support import run

    three_stories(site)
    monkeypatch.chdir(site)
    assert run("build", "--site", ".", "--output", "public", "--now", NOW) == 0
    builder = Session(BuildOptions(site, site / "public", datetime.fromisoformat(NOW)))
    assert builder.rebuild().pages_rendered == 0
    builder.close()
    (site / "content/a.md").write_text(
        article("Alpha", date="2026-02-01 09:00", summary="'Alpha summary.'", body="Changed.")
    )
    before = mtimes(site / "public")
    assert run("build", "--site", ".", "--output", "public", "--now", NOW) == 0
    rewritten = {rel for rel, m in mtimes(site / "public").items() if before.get(rel) != m}
    assert "national/a/index.html" in rewritten and "national/b/index.html" not in rewritten


def test_a_page_that_shows_only_its_metadata_follows_a_summary_edit(site):
    """Page metadata and JSON-LD are computed when a page is drawn; a theme that shows nothing else still updates."""
    three_stories(site)
    (site / "templates/article.html").write_text("{{ meta.title }}: {{ jsonld.description }}\n")
    assert build(site) == 0
    assert read(site, "/national/a/") == "Alpha: Alpha summary.\n"
    (site / "content/a.md").write_text(article("Alpha", date="2026-02-01 09:00", summary="'A new summary.'"))
    assert build(site) == 0
    assert read(site, "/national/a/") == "Alpha: A new summary.\n"


def damage_memory(site: Path) -> None:
    """Damage what the cache keeps of the last build but its summary: a build that needs it starts over, and
    says so by drawing every page."""
    (site / ".broadsheet-cache" / "memory.pickle").write_bytes(b"damaged")


def last_line(capsys) -> str:
    return capsys.readouterr().out.splitlines()[-1]


def test_a_later_clock_the_same_day_is_proved_unchanged_from_stats_alone(site, capsys):
    old_site_built(site)
    damage_memory(site)
    capsys.readouterr()
    assert build(site, now="2026-02-12T15:00:00-08:00") == 0
    assert "Rendered 0 pages; 0 files changed" in last_line(capsys)


def test_a_later_clock_that_passes_a_scheduled_story_builds_it(site):
    old_site_built(site, {"content/d.md": article("Delta", date="2026-02-12 14:00")})
    assert not (site / "public/national/d/index.html").exists()
    assert build(site, now="2026-02-12T14:30:00-08:00") == 0
    assert "Delta" in read(site, "/national/d/")


def test_a_later_clock_that_moves_a_story_out_of_the_news_window_rewrites_the_news_sitemap(site):
    old_site_built(site, {"content/d.md": article("Delta", date="2026-02-10 13:00")})
    assert "/national/d/" in read(site, "/news-sitemap.xml")
    assert build(site, now="2026-02-12T13:30:00-08:00") == 0
    assert "/national/d/" not in read(site, "/news-sitemap.xml")


def test_a_later_clock_the_same_day_redraws_a_page_that_shows_the_instant(site):
    old_site_built(site, {"templates/partials/ad.html": "<p class=ad>Ad {{ site.now|isodate }}</p>\n"})
    assert build(site, now="2026-02-12T15:00:00-08:00") == 0
    assert "Ad 2026-02-12T15:00:00-08:00" in read(site, "/national/a/")


def test_an_edit_proved_the_only_change_by_the_summary_is_built_and_a_link_in_its_place_refused(site, tmp_path, capsys):
    old_site_built(site)
    text = (site / "content/a.md").read_text()
    (site / "content/a.md").write_text(text.replace("Body text.", "A body edited later."))
    assert build(site) == 0
    assert "A body edited later." in read(site, "/national/a/")
    outside = tmp_path / "outside.md"
    outside.write_text(text)
    (site / "content/a.md").unlink()
    (site / "content/a.md").symlink_to(outside)
    capsys.readouterr()
    assert build(site) != 0
    assert "leads outside the site" in capsys.readouterr().err
    assert "A body edited later." in read(site, "/national/a/")  # the output as it was


def test_folders_too_fresh_to_trust_after_a_publish_are_listed_again_once_then_trusted(site, monkeypatch):
    """A publish leaves the folders it wrote too fresh for their stat to prove anything; the first build with
    nothing to do lists them again, finds only its own files, and keeps their stamps for the builds after it.
    A file dropped into such a folder afterwards is still found and removed."""
    old_site_built(site)
    text = (site / EDITED).read_text()
    (site / EDITED).write_text(text.replace("Body text.", "New words."))
    os.utime(site / EDITED, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    assert build(site) == 0  # publishes into public/national/b/ and public/, which are fresh now
    listed: list[str] = []
    real = broadsheet.incremental.summary.scan_output

    def counted(out_dir, keep=(), known=None, changed=None):
        listed.extend(rel for rel, _ in changed or [("(all)", None)])
        return real(out_dir, keep, known, changed)

    monkeypatch.setattr(broadsheet.incremental.summary, "scan_output", counted)
    monkeypatch.setattr(broadsheet.output.listing, "now_ns", lambda: time.time_ns() + 10_000_000_000)  # later
    assert build(site) == 0
    assert "national/b/" in listed  # written by the publish: listed again, found holding only ours
    listed.clear()
    assert build(site) == 0
    assert listed == []  # every folder proved by its stat
    stray = site / "public/national/b/stray.html"
    stray.write_text("dropped here by hand")
    assert build(site) == 0
    assert not stray.exists()


def test_an_edit_in_place_that_makes_a_page_show_the_instant_is_redrawn_at_a_later_clock(site):
    """The summary an edit in place brings forward learns that a page drawn again now reads the instant."""
    instant = "{% if article is defined and article.summary == 'Now.' %}<p class=ad>At {{ site.now|isodate }}</p>{% endif %}\n"
    old_site_built(site, {"templates/partials/ad.html": instant})
    text = (site / EDITED).read_text()
    (site / EDITED).write_text(text.replace("'Bravo summary.'", "'Now.'"))
    os.utime(site / EDITED, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    assert build(site) == 0
    assert "At 2026-02-12T12:00:00-08:00" in read(site, "/national/b/")
    assert build(site, now="2026-02-12T15:00:00-08:00") == 0
    assert "At 2026-02-12T15:00:00-08:00" in read(site, "/national/b/")


def test_after_an_edit_in_place_nothing_more_to_do_is_proved_from_stats_alone(site, capsys):
    """The summary an edit in place leaves (brought forward from the last one) describes every output file as
    written, a fragment of the search index renamed among them: the next build needs nothing else."""
    old_site_built(site)
    text = (site / EDITED).read_text()
    (site / EDITED).write_text(text.replace("Body text.", "Words nobody searched for before."))
    os.utime(site / EDITED, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    assert build(site) == 0
    damage_memory(site)
    capsys.readouterr()
    assert build(site) == 0
    assert "Rendered 0 pages; 0 files changed" in last_line(capsys)
    assert "Words nobody searched for before." in read(site, "/national/b/")


class DrawnPages(PreviewLookout):
    """The preview's lookout, keeping what each build said it would draw."""

    def __init__(self):
        super().__init__()
        self.builds: list[frozenset[str]] = []

    def drawing(self, rels: frozenset[str], sink: object) -> None:
        self.builds.append(rels)
        super().drawing(rels, sink)


def test_a_headline_edit_draws_the_pages_that_show_it_and_no_sitemap(site):
    """A sitemap lists URLs and dates, which no edit in place changes: a new headline does not draw it."""
    from datetime import datetime

    three_stories(site)
    drawn = DrawnPages()
    builder = Session(BuildOptions(site, site / "public", datetime.fromisoformat(NOW)), lookout=drawn)
    builder.rebuild()
    assert "sitemap.xml" in drawn.builds[-1]
    text = (site / EDITED).read_text()
    (site / EDITED).write_text(text.replace("title: 'Bravo'", "title: 'Bravo at last'"))
    builder.rebuild({site / EDITED})
    builder.close()
    assert "national/b/index.html" in drawn.builds[-1] and "index.html" in drawn.builds[-1]
    assert "sitemap.xml" not in drawn.builds[-1]
    assert "Bravo at last" in read(site, "/national/b/")
