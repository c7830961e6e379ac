"""The inputs beside the stories: standalone pages (content/pages/) and data files (data/), read together."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from broadsheet.errors import Problem
from broadsheet.load.config import Config, key_line
from broadsheet.load.data import DataFiles, load_data
from broadsheet.load.discovery import extra_files
from broadsheet.load.pages import StandalonePage, load_pages
from broadsheet.load.profiles import NO_PROFILES, Profiles, read_profiles
from broadsheet.paths import read_regular
from broadsheet.stamps import digest


@dataclass(frozen=True, slots=True)
class Extras:
    """The standalone pages and data files, the digest of each file by path, and every problem found."""

    pages: tuple[StandalonePage, ...] = ()
    data: DataFiles = field(default_factory=DataFiles)
    digests: dict[str, bytes | None] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    profiles: Profiles = NO_PROFILES  # data/authors.toml


def extra_digests(site_dir: Path) -> dict[str, bytes | None]:
    """Fingerprint each standalone page and data file by its bytes, by path (None: unreadable)."""
    out: dict[str, bytes | None] = {}
    for path in extra_files(site_dir):
        try:
            data = read_regular(path)
        except OSError:
            data = None
        out[str(path)] = None if data is None else digest(data)
    return out


def load_extras(site_dir: Path, config: Config) -> Extras:
    """Read every standalone page and data file, and check the pages site.toml names."""
    digests = extra_digests(site_dir)  # before reading: a file changed meanwhile is a change next time
    pages, page_problems = load_pages(site_dir / "content", config)
    data, data_problems = load_data(site_dir, config.max_file_size)
    named = transparency_problems(config, pages) if not page_problems else []
    profiles, profile_problems = read_profiles(data, site_dir, tuple(e.language for e in config.languages))
    return Extras(pages, data, digests, (*page_problems, *data_problems, *named, *profile_problems), profiles)


def transparency_problems(config: Config, pages: tuple[StandalonePage, ...]) -> list[Problem]:
    """Report each page site.toml's [transparency] names that content/pages/ does not have."""
    slugs = {p.slug for p in pages if not p.folder}  # the publisher is named by the default edition's pages
    missing = [(prop, slug) for prop, slug in config.transparency if slug not in slugs]
    if not missing:
        return []
    try:
        text = (read_regular(config.path) or b"").decode("utf-8", "replace")
    except OSError:
        text = ""
    have = ", ".join(sorted(slugs)) or "none"
    return [
        Problem(
            config.path,
            key_line(text, prop),
            f"[transparency] {prop} names the page {slug!r}, but "
            f"content/pages/ has no page with that slug (the pages: {have})",
        )
        for prop, slug in missing
    ]
