"""Article's fields are declared once: each says whether changing it moves the story, and its front-matter key."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.incremental import changes as changes_module
from broadsheet.incremental.changes import Change, Changes, classify
from broadsheet.load.article import EDITED_IN_PLACE, Article, front_matter_keys, shape_fields
from broadsheet.load.reader import KNOWN_FIELDS
from broadsheet.load.sources import Loaded, Source

PATH = "content/national/a.md"


@dataclass(frozen=True, slots=True)
class WithNewFields(Article):
    """Article as it would be with two more fields: one declared plainly, one marked as edited in place."""

    wire_id: str = ""
    caption_note: str = field(default="", metadata=EDITED_IN_PLACE)


def story(cls: type = Article, **changed) -> Article:
    made = cls(
        path=Path(PATH),
        title="Ferries return",
        section="National",
        section_slug="national",
        authors=("Ann Writer",),
        date=datetime(2026, 2, 1, 9, tzinfo=UTC),
        slug="a",
        url="/national/a/",
        body_html="<p>Body.</p>",
        summary="Body.",
    )
    return replace(made, **changed)


def source(article: Article) -> Source:
    return Source(size=1, mtime_ns=1, seen_ns=1, digest=b"", parse_key=b"", article=article)


def classified(before: Article, after: Article) -> Change:
    """Classify the edit of one story from before to after, as a rebuild whose files changed would."""

    class Previous:
        sources = {PATH: source(before)}
        drift = None  # the memory as saved: no story edited since

    loaded = Loaded(articles=(after,), sources={PATH: source(after)})
    return classify(Changes(Change.STORY_FIELDS), Previous(), loaded, None).kinds  # type: ignore[arg-type]


def test_a_field_declared_without_a_mark_is_structural_and_a_front_matter_key():
    assert "wire_id" in shape_fields(WithNewFields) and "caption_note" not in shape_fields(WithNewFields)
    assert {"wire_id", "caption_note"} <= set(front_matter_keys(WithNewFields))


def test_changing_a_new_field_not_marked_plans_the_site_again(monkeypatch):
    monkeypatch.setattr(changes_module, "SHAPE_FIELDS", shape_fields(WithNewFields))
    before = story(WithNewFields)
    assert Change.STRUCTURE in classified(before, replace(before, wire_id="AP-1"))
    edited = classified(before, replace(before, caption_note="Photo: archive"))
    assert Change.STRUCTURE not in edited and Change.STORY_FIELDS in edited


def another(value: object) -> object:
    """Return a value of the same kind as value, but different."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, datetime):
        return value.replace(year=2025)
    if isinstance(value, Path):
        return value.with_name("b.md")
    if isinstance(value, dict):
        return {**value, "x": 1}
    return (*value, "x") if isinstance(value, tuple) else f"{value or ''}x"


@pytest.mark.parametrize("name", [f.name for f in fields(Article)])
def test_each_field_is_edited_in_place_only_when_its_declaration_says_so(name):
    before = story()
    after = replace(before, **{name: another(getattr(before, name))})
    in_place = next(f for f in fields(Article) if f.name == name).metadata.get("in_place", False)
    kinds = classified(before, after)
    assert (Change.STRUCTURE not in kinds) == in_place, kinds


def test_the_front_matter_keys_are_the_declared_fields_with_their_own_keys():
    assert "author" in KNOWN_FIELDS and "authors" not in KNOWN_FIELDS  # a byline is written `author:`
    derived = {
        "path",
        "section_slug",
        "url",
        "body_html",
        "body_images",
        "updates",
        "folder",
        "translation_line",
        "extra",
        "standfirst",
    }
    assert set(KNOWN_FIELDS) == {f.name for f in fields(Article)} - derived - {"authors"} | {"author"}


def test_a_storys_unknown_front_matter_cannot_change_once_read(tmp_path):
    # A template (or a plugin) that wrote into article.extra would change what every later page shows.
    from support import article, write_site

    from broadsheet.load.config import load_config
    from broadsheet.load.sources import load_articles

    site = write_site(tmp_path / "site", {"content/a.md": article("A story", kicker="Exclusive")})
    config = load_config(site / "site.toml")
    story = load_articles(site / "content", config).articles[0]
    assert story.extra["kicker"] == "Exclusive"
    with pytest.raises(TypeError):
        story.extra["kicker"] = "Changed"
    with pytest.raises(TypeError):
        story.extra.update(kicker="Changed")
    assert story.extra == {"kicker": "Exclusive"}
