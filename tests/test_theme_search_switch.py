"""`search = false` in site.toml: no index, no search page, and no link to one."""

from conftest import SITE_TOML, article, build, read, write_site


def test_search_off_builds_no_index_and_links_nowhere(site):
    write_site(site, {"site.toml": SITE_TOML + "search = false\n", "content/a.md": article("A story")})
    assert build(site) == 0
    out = site / "public"
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    for url in ("/", "/national/a/", "/404.html"):
        assert "/search/" not in read(site, url)


def test_search_on_by_default_indexes_and_links(site):
    write_site(site, {"content/a.md": article("A story")})
    assert build(site) == 0
    assert (site / "public/pagefind").is_dir() and (site / "public/search/index.html").exists()
    assert 'action="/search/"' in read(site, "/national/a/")


def index_files(out):
    return {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in (out / "pagefind").rglob("*") if p.is_file()}


def test_the_preview_keeps_its_index_between_saves_and_build_always_reindexes(site):
    from datetime import datetime

    from conftest import NOW

    from broadsheet.options import BuildOptions
    from broadsheet.preview.session import Session

    write_site(site, {"content/a.md": article("A story", body="Rain fell.")})
    out = site / "preview"
    opts = BuildOptions(site, out, datetime.fromisoformat(NOW), reindex_search=False)
    builder = Session(opts)
    builder.rebuild()
    first = index_files(out)
    assert first
    (site / "content/a.md").write_text(article("A story", body="Snow fell on the harbour."))
    builder.rebuild({site / "content/a.md"})
    assert "Snow fell" in (out / "national/a/index.html").read_text()
    assert index_files(out) == first  # the page changed at once; the index was left as it was
    builder.close()
    Session(opts).rebuild()  # a new preview session indexes what changed meanwhile
    assert index_files(out) != first
    assert build(site) == 0 and index_files(site / "public")  # `build` indexes, as always


def test_a_new_preview_session_reindexes_even_when_every_file_is_old(site):
    """The cache's summary could prove 'nothing changed' for old files: it must not, while the index lags."""
    import os
    from datetime import datetime

    from conftest import NOW

    from broadsheet.options import BuildOptions
    from broadsheet.preview.session import Session

    write_site(site, {"content/a.md": article("A story", body="Rain fell.")})
    out = site / "preview"
    opts = BuildOptions(site, out, datetime.fromisoformat(NOW), reindex_search=False)
    old = 1_000_000_000 * 1_000_000_000  # 2001: far older than the two seconds within which a stat proves nothing

    def backdate() -> None:
        for path in site.rglob("*"):
            if path.is_file() and out not in path.parents and ".broadsheet-cache" not in path.parts:
                os.utime(path, ns=(old, old))

    backdate()
    session = Session(opts)
    session.rebuild()
    first = index_files(out)
    (site / "content/a.md").write_text(article("A story", body="Snow fell on the harbour."))
    backdate()
    session.rebuild({site / "content/a.md"})
    assert index_files(out) == first  # kept while the session runs
    session.close()
    Session(opts).rebuild()
    assert index_files(out) != first
