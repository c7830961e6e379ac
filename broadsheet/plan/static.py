"""Planning the output's files besides pages: static files, fingerprinted CSS and JS, resized images."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from broadsheet.errors import Problem
from broadsheet.load.article import Article
from broadsheet.model.site import Paper, is_expired
from broadsheet.plan.assets import AssetPlan, plan_assets
from broadsheet.plan.cards import Card, plan_cards
from broadsheet.plan.images import ImagePlan, plan_images


@dataclass(frozen=True, slots=True)
class StaticPlan:
    """Every file the output gets as it is (or resized), by output path."""

    static: dict[str, Path]  # static/ as it is
    assets: AssetPlan  # CSS and JS under fingerprinted names
    images: ImagePlan  # the stories' images, resized
    # Each edition's share card, by output path: pages name it by a fixed URL, so it is not among `names`.
    cards: dict[str, Card] = field(default_factory=dict)

    @property
    def files(self) -> dict[str, Path]:
        """Every file copied into the output, by output path (resized images and cards once they are made)."""
        return {**self.static, **self.assets.files, **self.images.files, **{p: c.cached for p, c in self.cards.items()}}

    @property
    def names(self) -> tuple:
        """What pages see of these files through asset() and image(): any change reaches every page."""
        return (sorted(self.assets.names.items()), sorted(self.images.sets.items()))


def plan_static(site: Paper, static: dict[str, Path], cache_dir: Path, stories: tuple[Article, ...] = ()) -> StaticPlan:
    """Plan the static files, their fingerprinted names and the resized images of stories and authors' photos;
    raise BuildError. `stories`: every story read, live or not: those not live yet have their images checked."""
    photos = tuple(
        (p.photo, site.profiles.path, p.line)
        for p in site.profiles.by_slug.values()
        if p.photo and site.profiles.path is not None
    )
    images = plan_images(
        site.articles, static, site.config.image_widths, cache_dir, photos, not_live_yet(site, stories)
    )
    return StaticPlan(static, plan_assets(static), images, plan_cards(site, static, cache_dir))


def not_live_yet(site: Paper, stories: tuple[Article, ...]) -> tuple[tuple[Article, str], ...]:
    """Return the stories that are not live but may be one day (drafts and scheduled), each with when."""
    live = set(map(id, site.articles))
    return tuple(
        (a, "a draft" if a.draft else f"scheduled for {a.date.isoformat(sep=' ', timespec='minutes')}")
        for a in stories
        if id(a) not in live and not is_expired(a, site.now)
    )


def static_collisions(pages: frozenset[str], files: dict[str, Path]) -> list[Problem]:
    """Refuse a static file that would overwrite a generated page."""
    return [
        Problem(files[path], None, f"static file would overwrite the generated page /{path}")
        for path in sorted(pages & files.keys())
    ]
