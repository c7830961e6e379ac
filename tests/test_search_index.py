"""The search index follows every publish: an edited story is found by its new words, a deleted or expired
story is never returned, a scheduled one becomes findable when it goes live. Checked in Chromium against
the index a build wrote, after builds in a new process (from the cache) and after saves in a preview.

The index is cut into shards that the browser merges (plan/search.py); small spans here give a small site
several of them, so that merging and re-indexing one shard are what is tested."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from browser import chromium, serve
from support import NOW, article, build, write_site

import broadsheet.plan.search as search_plan
from broadsheet.options import BuildOptions
from broadsheet.preview.session import Session

WORDS = ["kestrel", "puffin", "heron", "plover", "gannet", "curlew", "dunlin", "merlin", "osprey", "avocet"]


@pytest.fixture
def small_shards(monkeypatch):
    monkeypatch.setattr(search_plan, "SPAN", 3)
    monkeypatch.setattr(search_plan, "RECENT_SPAN", 2)


def story(n: int, word: str, **fields: str) -> str:
    # Dated over the months before NOW (2026-02-12): older shards and recent ones.
    return article(
        f"Story {n} on the {word}",
        date=f"2025-{1 + n:02d}-10 09:00" if n < 10 else f"2026-02-0{n - 9} 09:00",
        body=f"Birders counted one {word} at the estuary.",
        **fields,
    )


def write_stories(site: Path, extra: dict[str, str] | None = None) -> None:
    files = {f"content/s{n}.md": story(n, word) for n, word in enumerate(WORDS)}
    files.update({f"content/r{n}.md": story(10 + n, f"recent{n}") for n in range(3)})
    write_site(site, {**files, **(extra or {})})


DONE = """() => {
  const status = document.getElementById('search-status');
  return status.textContent !== '' && status.textContent !== (status.dataset.searching || 'Searching…');
}"""


def search(browser, base: str, query: str, edition: str = "") -> list[str]:
    """Search as a reader does, on the search page (of an edition: its folder); return the titles found."""
    page = browser.new_page()
    page.goto(f"{base}{edition}/search/?q={query}")
    page.wait_for_function(DONE, timeout=20000)
    assert "not available" not in page.inner_text("#search-status")
    titles = page.locator("#search-results h2 a").all_inner_texts()
    page.close()
    return sorted(titles)


def changed_urls(site: Path) -> list[str]:
    return (site / ".broadsheet-cache/changed-urls.txt").read_text().split()


def index_folders(urls: list[str]) -> set[str]:
    """The shard folders (pagefind/ itself, or pagefind/shards/<name>/) that a list of changed URLs touches."""
    out = set()
    for url in urls:
        path = url.split("gazette.example/", 1)[1]
        if path.startswith("pagefind/shards/"):
            out.add("/".join(path.split("/")[:3]))
        elif path.startswith("pagefind/") and path != "pagefind/shards.json":
            out.add("pagefind")
    return out


@pytest.mark.browser
@pytest.mark.slow
def test_search_follows_every_publish_from_a_new_process(site, small_shards):
    write_stories(site, {"content/later.md": story(12, "bittern").replace("2026-02-03", "2026-02-20")})
    assert build(site) == 0
    shards = [p.name for p in (site / "public/pagefind/shards").iterdir()]
    assert len(shards) >= 3, shards  # the test must merge several indexes to mean anything
    with chromium() as browser, serve(site / "public") as base:
        for n, word in enumerate(WORDS):
            assert search(browser, base, word) == [f"Story {n} on the {word}"], word
        assert search(browser, base, "bittern") == []  # scheduled: not live, not findable

        # An old story's body is edited: only its shard is indexed again, and its new words find it.
        path = site / "content/s1.md"
        path.write_text(path.read_text().replace("one puffin", "one razorbill"))
        assert build(site) == 0
        touched = index_folders(changed_urls(site))
        assert len(touched) == 1 and touched != {"pagefind"}, touched
        assert search(browser, base, "razorbill") == ["Story 1 on the puffin"]
        assert search(browser, base, "estuary") and "Story 1 on the puffin" in search(browser, base, "estuary")

        # A deleted story and an expired one are never returned.
        (site / "content/s3.md").unlink()
        path = site / "content/s5.md"
        path.write_text(path.read_text().replace("---\nBirders", "expires: 2026-02-01 00:00\n---\nBirders"))
        assert build(site) == 0
        assert search(browser, base, "plover") == [] and search(browser, base, "curlew") == []
        assert "Story 5 on the curlew" not in search(browser, base, "estuary")

        # A new story is indexed into the head alone; a scheduled story is findable once it is live.
        before = {f"pagefind/shards/{p.name}" for p in (site / "public/pagefind/shards").iterdir()}
        write_site(site, {"content/new.md": story(11, "sanderling").replace("2026-02-02", "2026-02-11")})
        assert build(site) == 0
        assert not index_folders(changed_urls(site)) & before  # no shard of older stories was written
        assert search(browser, base, "sanderling") == ["Story 11 on the sanderling"]
        assert build(site, now="2026-02-21T12:00:00-08:00") == 0
        assert search(browser, base, "bittern") == ["Story 12 on the bittern"]


@pytest.mark.browser
@pytest.mark.slow
def test_search_follows_saves_in_a_preview(site, small_shards):
    write_stories(site)
    out = site / "preview"
    session = Session(BuildOptions(site, out, datetime.fromisoformat(NOW)))
    session.rebuild()
    try:
        with chromium() as browser, serve(out) as base:
            assert search(browser, base, "heron") == ["Story 2 on the heron"]
            path = site / "content/s2.md"
            path.write_text(path.read_text().replace("one heron", "one shoveler"))
            session.rebuild({path})
            assert search(browser, base, "shoveler") == ["Story 2 on the heron"]
            (site / "content/s7.md").unlink()
            session.rebuild({site / "content/s7.md"})
            assert search(browser, base, "merlin") == []
    finally:
        session.close()


@pytest.mark.slow
def test_the_index_of_a_build_from_scratch_equals_the_index_kept_up_by_edits(site, tmp_path, small_shards):
    write_stories(site)
    assert build(site) == 0
    for n in (0, 4, 12):
        path = site / f"content/{'r' if n >= 10 else 's'}{n % 10}.md"
        path.write_text(path.read_text().replace("Birders", "Wardens"))
        assert build(site) == 0
    clean = tmp_path / "clean"
    assert build(site, "--output", clean, "--no-cache") == 0

    def index(folder: Path) -> dict[str, bytes]:
        return {
            p.relative_to(folder).as_posix(): p.read_bytes() for p in (folder / "pagefind").rglob("*") if p.is_file()
        }

    assert index(site / "public") == index(clean)


def test_a_failing_indexer_leaves_the_output_as_it_was(site, tmp_path, monkeypatch):
    import pagefind_bin_extended
    from support import tree_snapshot

    write_stories(site)
    assert build(site) == 0
    before = tree_snapshot(site / "public")
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'out of cheese' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(pagefind_bin_extended, "get_executable", lambda: broken)
    path = site / "content/s2.md"
    path.write_text(path.read_text().replace("one heron", "one shoveler"))
    assert build(site) == 1
    assert tree_snapshot(site / "public") == before


@pytest.mark.browser
@pytest.mark.slow
def test_each_edition_searches_its_own_stories(site, small_shards):
    from support import BILINGUAL

    files = {f"content/en{n}.md": story(n, word) for n, word in enumerate(WORDS[:6])}
    files.update(
        {
            f"content/pa{n}.md": article(
                f"ਕਹਾਣੀ {n} ਬਾਜ਼ ਬਾਰੇ",
                section="ਪੰਜਾਬ",
                lang="pa",
                slug=f"pa-{n}",
                date=f"2025-{1 + n:02d}-11 09:00",
                body=f"ਦਰਿਆ ਕੰਢੇ ਇੱਕ ਬਾਜ਼ ਦੇਖਿਆ ਗਿਆ {n}।",
            )
            for n in range(6)
        }
    )
    write_site(site, {"site.toml": BILINGUAL, **files})
    assert build(site) == 0
    manifest = (site / "public/pagefind/shards.json").read_text()
    assert '"pa"' in manifest and '"en"' in manifest
    with chromium() as browser, serve(site / "public") as base:
        found = search(browser, base, "ਬਾਜ਼", "/pa")
        assert found == sorted(f"ਕਹਾਣੀ {n} ਬਾਜ਼ ਬਾਰੇ" for n in range(6))
        assert search(browser, base, "estuary", "/pa") == []  # English stories are not in the Punjabi index
        assert search(browser, base, "ਬਾਜ਼") == []
        assert search(browser, base, "estuary") == sorted(f"Story {n} on the {w}" for n, w in enumerate(WORDS[:6]))
