"""Author profiles: data/authors.toml, a table per byline name with bio, photo, role, email, links and other names."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from broadsheet import urls
from broadsheet.errors import Problem, did_you_mean
from broadsheet.load.data import DataFiles
from broadsheet.load.discovery import data_folder

PROFILES_STEM = "authors"  # data/authors.toml: also site.data.authors, as any data file
PROFILE_FIELDS = ("bio", "photo", "role", "email", "links", "names")
LANGUAGE_FIELDS = ("bio", "role")  # what a profile says again in another edition's language: ["Ann Writer".pa]
_EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")


@dataclass(frozen=True, slots=True)
class ProfileText:
    """A profile's words in another edition's language (its table ["Ann Writer".pa])."""

    language: str
    role: str = ""
    bio: str = ""


@dataclass(frozen=True, slots=True)
class AuthorProfile:
    """What data/authors.toml says of one journalist, under the byline name that names their page."""

    name: str
    bio: str = ""
    photo: str | None = None  # a site path (resized like a lead image) or an http(s) URL
    role: str = ""
    email: str | None = None
    links: tuple[str, ...] = ()  # their profiles elsewhere (schema.org sameAs)
    names: tuple[str, ...] = ()  # other spellings of the byline that are the same person
    line: int | None = None  # the line of its table in data/authors.toml
    languages: tuple[ProfileText, ...] = ()  # its role and bio in other editions' languages

    def in_language(self, language: str) -> AuthorProfile:
        """Return the profile as an edition in `language` shows it: its role and bio there, where it has them."""
        text = next((t for t in self.languages if t.language.casefold() == language.casefold()), None)
        return self if text is None else replace(self, role=text.role or self.role, bio=text.bio or self.bio)


@dataclass(frozen=True, slots=True)
class Profiles:
    """Every profile by the slug of its name, and the slug of each other spelling with the name it stands for."""

    by_slug: dict[str, AuthorProfile]
    spellings: dict[str, str]  # slug of an other spelling -> the profile's name
    path: Path | None = None  # data/authors.toml

    def canonical(self, name: str) -> str:
        """Return the name whose page a byline belongs on: the profile's, for another spelling of it."""
        return self.spellings.get(urls.slugify(name), name)

    def of(self, name: str) -> AuthorProfile | None:
        return self.by_slug.get(urls.slugify(self.canonical(name)))


NO_PROFILES = Profiles({}, {})


def read_profiles(data: DataFiles, site_dir: Path, languages: tuple[str, ...] = ()) -> tuple[Profiles, list[Problem]]:
    """Check data/authors.toml's tables (a file of another kind named authors is data, not profiles); a profile
    may say its role and bio again for each of the other editions' `languages`."""
    path = data_folder(site_dir) / f"{PROFILES_STEM}.toml"
    if PROFILES_STEM not in data or not path.is_file():
        return NO_PROFILES, []
    text = path.read_text(encoding="utf-8", errors="replace")
    problems: list[Problem] = []
    by_slug: dict[str, AuthorProfile] = {}
    for name, table in data[PROFILES_STEM].items():
        line = header_line(text, name)
        if not isinstance(table, dict):
            problems.append(
                Problem(
                    path, line, f'{name!r} must be a table (["{name}"]) of bio, photo, role, email, links and names'
                )
            )
            continue
        profile = read_profile(
            name, table, lambda message, n=line: problems.append(Problem(path, n, message)), line, languages
        )
        if profile is not None and (twin := by_slug.get(urls.slugify(name))) is not None:
            problems.append(
                Problem(
                    path,
                    line,
                    f"{name!r} and {twin.name!r} are two spellings of one name; "
                    "keep one table, and list the other spelling in its 'names'",
                )
            )
        elif profile is not None:
            by_slug[urls.slugify(name)] = profile
    spellings: dict[str, str] = {}
    for profile in by_slug.values():
        for other in profile.names:
            slug = urls.slugify(other)
            taken = by_slug.get(slug) or (by_slug.get(urls.slugify(spellings[slug])) if slug in spellings else None)
            if taken is not None and taken is not profile:
                problems.append(
                    Problem(
                        path,
                        header_line(text, profile.name),
                        f"{profile.name!r}: the other name {other!r} is also {taken.name!r}'s",
                    )
                )
            elif taken is None:
                spellings[slug] = profile.name
    return Profiles(by_slug, spellings, path), problems


def read_profile(
    name: str,
    table: dict[str, Any],
    bad: Callable[[str], None],
    line: int | None = None,
    languages: tuple[str, ...] = (),
) -> AuthorProfile | None:
    """Check one author's table; report each bad key through `bad` (None: the profile is unusable)."""
    fields: dict[str, Any] = {}
    failed = False

    def fail(message: str) -> None:
        nonlocal failed
        failed = True
        bad(f"{name!r}: {message}")

    texts: list[ProfileText] = []
    for key, value in table.items():
        if isinstance(value, dict) and key not in PROFILE_FIELDS:
            if (text := read_text(name, key, value, fail, languages)) is not None:
                texts.append(text)
        elif key not in PROFILE_FIELDS:
            fail(f"unknown key '{key}'{did_you_mean(key, PROFILE_FIELDS)}; the keys are: {', '.join(PROFILE_FIELDS)}")
        elif key in ("bio", "role", "photo", "email") and not (isinstance(value, str) and value.strip()):
            fail(f"'{key}' must be text")
        elif key in ("links", "names") and not (
            isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        ):
            fail(f"'{key}' must be a list of texts")
        else:
            fields[key] = tuple(v.strip() for v in value) if isinstance(value, list) else value.strip()
    if (photo := fields.get("photo")) and not (urls.is_local(photo) or photo.startswith(("http://", "https://"))):
        fail(f"'photo' must be a path on the site (/images/ann.jpg) or an http(s) URL, not {photo!r}")
    if (email := fields.get("email")) and not _EMAIL.fullmatch(email):
        fail(f"'email' must be an address such as ann@paper.example, not {email!r}")
    if bad_links := [u for u in fields.get("links", ()) if not u.startswith(("http://", "https://"))]:
        fail(f"'links' must be http(s) URLs, not {bad_links[0]!r}")
    return None if failed else AuthorProfile(name=name, **fields, line=line, languages=tuple(texts))


def read_text(
    name: str, code: str, table: dict[str, Any], fail: Callable[[str], None], languages: tuple[str, ...]
) -> ProfileText | None:
    """Check a profile's table for another edition's language (["Ann Writer".pa]: role, bio)."""
    where = f'["{name}".{code}]'
    if code not in languages:
        have = f"the other editions are: {', '.join(languages)}" if languages else "site.toml has no [languages]"
        fail(
            f"{where} is for the edition '{code}', which the site does not have{did_you_mean(code, languages)}; {have}"
        )
        return None
    values: dict[str, str] = {}
    for key, value in table.items():
        if key not in LANGUAGE_FIELDS:
            fail(
                f"{where}: unknown key '{key}'{did_you_mean(key, LANGUAGE_FIELDS)}; an edition's table gives "
                f"{' and '.join(LANGUAGE_FIELDS)} in its language, and takes the rest from the profile"
            )
        elif not (isinstance(value, str) and value.strip()):
            fail(f"{where}: '{key}' must be text")
        else:
            values[key] = value.strip()
    return ProfileText(code, **values)


def header_line(text: str, name: str) -> int | None:
    """Return the line of a table's header ([Ann Writer] or ["Ann Writer"]), or None."""
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.strip("[]").strip().strip("\"'") == name:
            return n
    return None
