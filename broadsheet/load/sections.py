"""site.toml's `sections`: each a name, or a table giving the name and the URL slug (`{ name = "ਪੰਜਾਬ",
slug = "punjab" }`), so that a section in any script can have a plain ASCII folder and URL."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from broadsheet import urls
from broadsheet.errors import did_you_mean, one_line

RESERVED_SLUGS = ("authors", "tags", "page", "archive", "fragments")  # folders the site's other pages take
SECTION_KEYS = ("name", "slug")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)  # what a set slug may be: plain ASCII, never encoded

Bad = Callable[[str, str], None]  # reports a problem with a key


@dataclass(frozen=True, slots=True)
class SectionConfig:
    """A section as configured: its display name and the slug its URLs use."""

    name: str
    slug: str

    @property
    def label(self) -> str:
        """Name the section, with its slug when site.toml sets one ('ਪੰਜਾਬ (punjab)')."""
        return self.name if self.slug == urls.slugify(self.name) else f"{self.name} ({self.slug})"


def read_sections(raw: dict, bad: Bad) -> list[SectionConfig]:
    """Check the sections: names (or name-and-slug tables) that give distinct, unreserved URL slugs."""
    sections: list[SectionConfig] = []
    if "sections" in raw:
        entries = raw["sections"]
        if not isinstance(entries, list) or not entries:
            bad("sections", "'sections' must be a non-empty list of section names")
            return sections
        seen: dict[str, str] = {}
        for entry in entries:
            if (read := read_entry(entry, bad)) is None:
                continue
            name, slug = read
            if not slug:
                bad(
                    "sections",
                    f'section {name!r} gives an empty URL slug; give it one: {{ name = {name!r}, slug = "..." }}',
                )
            elif slug.casefold() in seen:
                bad("sections", f"sections {seen[slug.casefold()]!r} and {name!r} both want the URL /{slug}/")
            elif slug in RESERVED_SLUGS:
                bad("sections", f"section {name!r} would take the reserved URL /{slug}/")
            else:
                seen[slug.casefold()] = name
                sections.append(SectionConfig(name, slug))
    return sections


def read_entry(entry: object, bad: Bad) -> tuple[str, str] | None:
    """Return one entry's (name, slug); None when it is malformed (reported)."""
    if isinstance(entry, str) and entry.strip():
        # One normal form for every name compared: 'Économie' typed decomposed is the same section.
        return unicodedata.normalize("NFC", entry.strip()), urls.slugify(entry)
    if not isinstance(entry, dict):
        bad(
            "sections",
            f'each of \'sections\' must be a section\'s name or a table {{ name = "…", slug = "…" }}, '
            f"not {one_line(repr(entry))}",
        )
        return None
    ok = True
    for key in entry:
        if key not in SECTION_KEYS:
            bad(
                "sections",
                f"a section's table has the keys name and slug, not '{key}'{did_you_mean(key, SECTION_KEYS)}",
            )
            ok = False
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        bad("sections", f"a section's table needs its 'name', a non-empty string: {one_line(repr(entry))}")
        return None
    name = unicodedata.normalize("NFC", name.strip())
    slug = entry.get("slug", urls.slugify(name))
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        hint = urls.slugify(slug) if isinstance(slug, str) else ""
        suggestion = f" such as '{hint}'" if hint and _SLUG.fullmatch(hint) else " such as 'punjab'"
        bad(
            "sections",
            f"section {name!r}: the slug {one_line(repr(slug))} must be lower-case ASCII letters, "
            f"digits and hyphens,{suggestion}",
        )
        return None
    return (name, slug) if ok else None


def section_called(sections: Sequence[SectionConfig], text: str) -> SectionConfig | None:
    """Return the section a name or a URL slug names ('ਪੰਜਾਬ' or 'punjab'); None: no such section."""
    name = unicodedata.normalize("NFC", text.strip())  # a name typed in a terminal may come decomposed
    if found := next((s for s in sections if s.name == name), None):
        return found
    slug = urls.slugify(text).casefold()
    return next((s for s in sections if slug and s.slug.casefold() == slug), None)


def unknown_section(sections: Sequence[SectionConfig], text: str) -> str:
    """Say that no section is called `text`: the near miss among names and slugs, and every section."""
    words = [s.name for s in sections] + [s.slug for s in sections if s.label != s.name]
    return (
        f"unknown section '{text}'{did_you_mean(text, words)}; the sections are: {', '.join(s.label for s in sections)}"
    )
