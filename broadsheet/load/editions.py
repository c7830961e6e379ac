"""site.toml's [languages.<code>] tables: the editions of a site besides the default one, each a Config.

The default edition is the site itself (its `language`, at the root); every other edition is a copy of the
site's Config with its own language, title, sections and the few keys an edition may set, under /<code>/.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from broadsheet.errors import did_you_mean, one_line

DEFAULT_DATE_FORMAT = "%d %b, %Y %I:%M %p"  # 07 Mar, 2023 11:08 AM; a language other than English: CLDR's
# The keys an edition may set; every other key is the site's.
EDITION_KEYS = {"title": str, "sections": list, "date_format": str, "per_page": int, "more_from": int, "direction": str}
# Languages written right to left (their primary subtag): pages in them get dir="rtl".
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku-arab", "ps", "sd", "syr", "ug", "ur", "yi"})
# Folders at the site's root that an edition's code must not take.
RESERVED = frozenset({"authors", "tags", "page", "search", "css", "js", "images", "pagefind", "fonts"})


def direction_of(language: str) -> str:
    """Return "rtl" for a language written right to left, else "ltr"."""
    tag = language.lower()
    return "rtl" if tag in RTL_LANGUAGES or tag.split("-")[0] in RTL_LANGUAGES else "ltr"


def read_editions(raw: dict, config, bad, read_sections, language_pattern) -> tuple:
    """Check [languages]: each table's code and keys; return the editions' Configs (the default's first)."""
    tables = raw.get("languages", {})
    if not isinstance(tables, dict):
        bad("languages", "'languages' must be tables such as [languages.pa]")
        return ()
    editions = []
    taken = {s.slug.casefold() for s in config.sections}
    codes: dict[str, str] = {}
    for code, table in tables.items():
        where = f"[languages.{code}]"
        if (first := codes.setdefault(code.casefold(), code)) != code:  # language tags ignore case
            bad(where, f"{where}: '{code}' is the language of [languages.{first}] spelled otherwise; keep one table")
            continue
        if not language_pattern.fullmatch(code):
            bad(f"[languages.{code}]", f'{where}: {one_line(repr(code))} is not a language tag such as "pa" or "pt-BR"')
            continue
        if code.casefold() == config.language.casefold():
            bad(f"[languages.{code}]", f"{where}: '{code}' is the site's own language; its edition is the site itself")
            continue
        if code.casefold() in taken or code.lower() in RESERVED:
            bad(
                f"[languages.{code}]",
                f"{where}: the edition would take the URL /{code}/, which a section or the site already has",
            )
            continue
        if not isinstance(table, dict):
            bad(f"[languages.{code}]", f"{where} must be a table of keys")
            continue
        edition = read_edition(code, table, config, lambda message, w=where: bad(w, f"{w}: {message}"), read_sections)
        if edition is not None:
            editions.append(edition)
    return tuple(editions)


def read_edition(code: str, table: dict, config, bad, read_sections):
    """Check one [languages.<code>] table; return its edition's Config (None: a problem was reported)."""
    values: dict = {}
    ok = True
    for key, value in table.items():
        typ = EDITION_KEYS.get(key)
        if typ is None:
            bad(
                f"unknown key '{key}'{did_you_mean(key, sorted(EDITION_KEYS))}; an edition may set "
                f"{', '.join(sorted(EDITION_KEYS))}, and takes every other key from the site"
            )
            ok = False
        elif not isinstance(value, typ) or isinstance(value, bool):
            bad(f"'{key}' must be a {typ.__name__}, not {type(value).__name__}")
            ok = False
        else:
            values[key] = value
    if "title" in values and not values["title"].strip():
        bad("'title' must be a non-empty string")
        ok = False
    if "direction" in values and values["direction"] not in ("ltr", "rtl"):
        bad(f'\'direction\' must be "ltr" or "rtl", not {one_line(repr(values["direction"]))}')
        ok = False
    for key, (low, high) in {"per_page": (1, 1000), "more_from": (0, 100)}.items():
        if key in values and not low <= values[key] <= high:
            bad(f"'{key}' must be between {low} and {high}")
            ok = False
    if "date_format" in values:
        try:
            datetime(2023, 3, 7, 11, 8).strftime(values["date_format"])
        except ValueError as e:
            bad(f"bad 'date_format': {e}")
            ok = False
    sections = config.sections
    if "sections" in values:
        found: list = []
        sections = tuple(
            read_sections({"sections": values.pop("sections")}, lambda _key, message: found.append(message))
        )
        for message in found:
            bad(message)
        ok = ok and not found
    if not ok:
        return None
    return replace(
        config,
        language=code,
        folder=code,
        sections=sections,
        languages=(),
        title=values.pop("title", config.title).strip(),
        direction=values.pop("direction", direction_of(code)),
        date_format=values.pop("date_format", DEFAULT_DATE_FORMAT),
        **values,
    )
