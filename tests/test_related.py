"""Related stories on article pages: earlier stories that share tags, rare tags weighing more, newer first, the same
section breaking ties, and front matter `related` overriding the ranking."""

from __future__ import annotations

import re

import pytest
from support import SITE_TOML, article, build, clean_build, read, tree_snapshot, write_site


def related(html: str) -> list[str]:
    if '<aside class="rail related"' not in html:
        return []
    aside = html.split('<aside class="rail related"', 1)[1].split("</aside>", 1)[0]
    assert '<h2 id="related-heading" class="rule-heading">Related</h2>' in aside
    return re.findall(r'<a href="/[a-z-]+/([a-z0-9-]+)/">', aside)


def story(date: str, tags: str, section: str = "National", **fields: str) -> str:
    return article(f"Story {date}", section=section, date=date, tags=tags, **fields)


def crafted_site(site):
    # Ten stories tagged Council make it common; Ferry (three stories) and Heron (two) are rare.
    files = {f"content/c{i}.md": story(f"2026-01-{i + 10:02d} 09:00", "[Council]") for i in range(10)}
    files.update(
        {
            "content/me.md": story("2026-02-01 09:00", "[Council, Ferry, Heron]"),
            "content/heron-old.md": story("2026-01-02 09:00", "[Heron]"),  # the rarest tag: first, though oldest
            "content/ferry-new.md": story("2026-01-31 09:00", "[Ferry]"),
            "content/ferry-old.md": story("2026-01-05 09:00", "[Ferry]", section="Sports"),
            "content/both.md": story("2026-01-03 09:00", "[Council, Ferry]"),  # two shared tags: above Ferry alone
            "content/same-day-sports.md": story("2026-01-19 09:00", "[Council]", section="Sports"),
            "content/untagged.md": article("No tags", date="2026-02-02 09:00"),
        }
    )
    return write_site(site, {"site.toml": SITE_TOML.replace("more_from = 2", "more_from = 0"), **files})


def test_related_stories_rank_by_rare_shared_tags_then_newer_then_same_section(site):
    crafted_site(site)
    assert build(site) == 0
    # Sixteen stories were published before `me`, and the weights are counted over them. heron-old:
    # log(16/1) = 2.77; both: log(16/12) + log(16/3) = 1.96, above ferry-new and ferry-old: log(16/3) = 1.67,
    # the newer first, though both is the oldest of the three.
    assert related(read(site, "/national/me/")) == ["heron-old", "both", "ferry-new", "ferry-old"]
    # Council alone, among the stories before each: newer first; a later story never enters.
    assert related(read(site, "/national/c8/")) == ["c7", "c6", "c5", "c4"]
    # c9 and same-day-sports share an instant; of the two, the page whose URL sorts first counts as the later.
    assert related(read(site, "/national/c9/")) == ["same-day-sports", "c8", "c7", "c6"]
    assert related(read(site, "/sports/same-day-sports/")) == ["c8", "c7", "c6", "c5"]
    assert related(read(site, "/national/untagged/")) == []  # no tags, no aside


def test_equal_scores_and_dates_prefer_the_same_section(site):
    write_site(
        site,
        {
            "content/me.md": story("2026-02-01", "[Ferry]"),
            "content/a-sports.md": story("2026-01-20", "[Ferry]", section="Sports"),
            "content/z-national.md": story("2026-01-20", "[Ferry]"),
        },
    )
    assert build(site) == 0
    assert related(read(site, "/national/me/")) == ["z-national", "a-sports"]


def test_front_matter_related_overrides_the_ranking(site):
    crafted_site(site)
    (site / "content/me.md").write_text(story("2026-02-01 09:00", "[Council, Ferry, Heron]", related="[untagged, c0]"))
    assert build(site) == 0
    assert related(read(site, "/national/me/")) == ["untagged", "c0"]


def test_a_related_slug_no_story_has_is_a_problem(site, capsys):
    write_site(site, {"content/me.md": story("2026-02-01", "[Ferry]", related="[nowhere]")})
    assert build(site) == 1
    assert "content/me.md:7: related: no story has the slug 'nowhere'" in capsys.readouterr().err


def test_a_retitled_related_story_is_redrawn_in_the_aside_in_place(site):
    crafted_site(site)
    assert build(site) == 0
    (site / "content/both.md").write_text(
        story("2026-01-03 09:00", "[Council, Ferry]").replace("Story 2026-01-03 09:00", "A new headline")
    )
    assert build(site) == 0
    assert "A new headline" in read(site, "/national/me/").split('<aside class="rail related"', 1)[1]


EDITS = {  # a change of the site, and the story whose related stories it changes
    "a new story, the newest": ("content/new.md", story("2026-02-03 09:00", "[Council, Heron]"), "/national/new/"),
    "a new story among the old": ("content/mid.md", story("2026-01-15 09:00", "[Ferry, Heron]"), "/national/me/"),
    "an old story's tags": ("content/c1.md", story("2026-01-11 09:00", "[Council, Heron]"), "/national/me/"),
    "an old story's date": ("content/heron-old.md", story("2026-02-01 10:00", "[Heron]"), "/national/me/"),
    "a candidate's section": ("content/both.md", story("2026-01-03 09:00", "[Council, Ferry]", section="Sports"), None),
    "a story retitled and retagged": (
        "content/ferry-new.md",
        story("2026-01-31 09:00", "[Heron]").replace("Story 2026-01-31 09:00", "Renamed"),
        "/national/me/",
    ),
}


@pytest.mark.parametrize("edit", EDITS)
def test_related_stories_after_an_edit_in_a_new_process_equal_a_clean_build(site, tmp_path, edit):
    """A new plan takes the choices of the stories before the first one that changed from the last plan, and
    ranks the rest: every page must be what a build from nothing draws."""
    crafted_site(site)
    assert build(site) == 0
    before = {url: related(read(site, url)) for url in ("/national/me/", "/national/c9/")}
    path, text, reached = EDITS[edit]
    (site / path).write_text(text)
    assert build(site) == 0
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)
    if reached is not None:
        assert related(read(site, reached)) != before.get(reached, [])
