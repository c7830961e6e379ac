"""A new process edits the last build in place: stories edited in their own files, nothing else changed.

`build` keeps the last plan in its cache; when only stories changed, and none moved (same URL, date,
section...), it re-plans just what shows them instead of the whole site. These tests check that such a
build gives exactly what a clean full build gives, that it still repairs the output folder as a full
build does, and that anything else (a new clock, a template, a story that moves) plans the whole site.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import NOW, article, build, clean_build, read, tree_snapshot, write_site

import broadsheet.pipeline


@pytest.fixture
def plans(monkeypatch) -> list[int]:
    """Count how often a build plans the whole site (the real planner runs; it is only counted)."""
    calls: list[int] = []
    real = broadsheet.pipeline.plan_pages

    def counted(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(broadsheet.pipeline, "plan_pages", counted)
    return calls


def stories(site: Path) -> Path:
    return write_site(
        site,
        {
            "content/a.md": article("Alpha", date="2026-02-01 09:00", summary="'Alpha summary.'"),
            "content/b.md": article("Bravo", date="2026-02-02 09:00"),
            "content/c.md": article("Charlie", date="2026-02-03 09:00", section="Sports"),
            "content/d.md": article("Delta", date="2026-02-04 09:00", tags="[harbour]"),
        },
    )


@pytest.mark.slow
def test_edits_in_a_new_process_match_a_full_build_without_planning_the_site(site, tmp_path, plans):
    stories(site)
    assert build(site) == 0
    assert len(plans) == 1
    (site / "content/a.md").write_text(
        article("Alpha", date="2026-02-01 09:00", summary="'Alpha summary.'", body="A rewritten body.")
    )
    (site / "content/d.md").write_text(article("Delta, updated", date="2026-02-04 09:00", tags="[harbour]"))
    assert build(site) == 0
    assert len(plans) == 1  # the second build re-planned only what shows the two stories
    assert "A rewritten body." in read(site, "/national/a/")
    assert "Delta, updated" in read(site, "/national/")  # d's headline on the front of its section
    assert "Delta, updated" in read(site, "/tags/harbour/")
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)


@pytest.mark.slow
def test_a_new_process_repairs_damaged_pages_and_removes_strays_while_editing(site, tmp_path, plans):
    stories(site)
    assert build(site) == 0
    out = site / "public"
    (out / "national/b/index.html").write_text("tampered")
    (out / "sports/c/index.html").unlink()
    (out / "stray.html").write_text("dropped here by hand")
    (site / "content/a.md").write_text(
        article("Alpha", date="2026-02-01 09:00", summary="'Alpha summary.'", body="Another body.")
    )
    assert build(site) == 0
    assert len(plans) == 1
    assert not (out / "stray.html").exists()
    assert "Bravo" in read(site, "/national/b/")
    assert "Charlie" in read(site, "/sports/c/")
    assert tree_snapshot(out) == clean_build(site, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("change", ["clock", "template", "date", "new story", "site.toml"])
def test_anything_but_stories_or_templates_edited_in_place_plans_the_whole_site(site, tmp_path, plans, change):
    stories(site)
    write_site(site, {"content/e.md": article("Echo", date="2026-03-01 09:00")})  # scheduled: after NOW
    assert build(site) == 0
    now = NOW
    if change == "clock":
        now = "2026-03-02T12:00:00+00:00"  # Echo goes live
    elif change == "template":
        tpl = site / "templates/article.html"
        tpl.write_text(tpl.read_text().replace("</article>", "<p>Template note.</p></article>", 1))
    elif change == "date":
        (site / "content/b.md").write_text(article("Bravo", date="2026-02-05 09:00"))  # now the newest
    elif change == "new story":
        write_site(site, {"content/f.md": article("Foxtrot", date="2026-02-06 09:00")})
    else:
        toml = site / "site.toml"
        toml.write_text(toml.read_text().replace("more_from = 2", "more_from = 3"))
    (site / "content/a.md").write_text(
        article("Alpha", date="2026-02-01 09:00", summary="'Alpha summary.'", body="Edited too.")
    )
    assert build(site, now=now) == 0
    assert len(plans) == (1 if change == "template" else 2)  # templates plan nothing: the last plan is kept
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path, now=now)


@pytest.mark.slow
def test_a_failed_edit_leaves_everything_and_the_next_build_recovers(site, tmp_path, plans):
    stories(site)
    assert build(site) == 0
    before = tree_snapshot(site / "public")
    (site / "content/a.md").write_text("---\ntitle: [unclosed\n---\nBody\n")
    assert build(site) == 1
    assert tree_snapshot(site / "public") == before
    (site / "content/a.md").write_text(article("Alpha", date="2026-02-01 09:00", summary="'Fixed.'"))
    assert build(site) == 0
    assert "Fixed." in read(site, "/national/a/")
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("first", "later"),
    [
        ("2026-02-20T12:00:00+00:00", "2026-02-20T13:00:00+00:00"),  # the same edition
        ("2026-02-20T12:00:00+00:00", "2026-02-24T09:00:00+00:00"),  # another day: every page's edition date
        ("2026-02-06T20:00:00+00:00", "2026-02-08T20:00:00+00:00"),  # Foxtrot leaves the 48-hour news sitemap
    ],
)
def test_a_new_clock_is_applied_in_place_while_no_story_goes_live(site, tmp_path, plans, first, later):
    stories(site)
    write_site(
        site,
        {
            "content/f.md": article("Foxtrot", date="2026-02-05 09:00", section="Arts & Culture"),  # no empty feed
            "content/e.md": article("Echo", date="2026-03-01 09:00"),  # scheduled: after both clocks
        },
    )
    assert build(site, now=first) == 0
    news = read(site, "/news-sitemap.xml")
    (site / "content/a.md").write_text(
        article("Alpha", date="2026-02-01 09:00", summary="'Alpha summary.'", body="Edited later.")
    )
    assert build(site, now=later) == 0
    assert len(plans) == 1  # the same day, or days later: nothing went live, nothing was planned again
    assert "Echo" not in read(site, "/")
    if first.startswith("2026-02-06"):
        assert "Foxtrot" in news and "Foxtrot" not in read(site, "/news-sitemap.xml")
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path, now=later)


@pytest.mark.slow
def test_a_build_after_a_preview_edited_in_place_brings_the_output_up_to_date(site, tmp_path, plans):
    """serve renders into its own folder and saves the shared cache: public/ must still catch up."""
    from broadsheet.cli import parse_now
    from broadsheet.options import BuildOptions
    from broadsheet.preview.session import Session

    stories(site)
    assert build(site) == 0
    preview = Session(BuildOptions(site, site / ".broadsheet-cache" / "preview", parse_now(NOW)))
    preview.rebuild()
    md = site / "content/d.md"
    md.write_text(article("Delta, from the preview", date="2026-02-04 09:00", tags="[harbour]"))
    preview.rebuild({md})
    preview.close()
    assert build(site) == 0
    assert "Delta, from the preview" in read(site, "/national/d/")
    assert "Delta, from the preview" in read(site, "/national/")  # the section's front too
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)
