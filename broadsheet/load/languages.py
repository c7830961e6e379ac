"""A story's language (front matter `lang`) and the key that links its versions across editions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from broadsheet.errors import Problem, did_you_mean
from broadsheet.load.config import Config


def read_language(f: Any, config: Config) -> Config:
    """Return the Config of the edition a story's `lang` names (the site's own when absent or unknown, reported)."""
    lang = f.text("lang")
    if lang is None:
        return config
    edition = config.edition_of(lang)
    if edition is None:
        codes = [e.language for e in config.editions]
        if not config.languages:
            f.bad(
                "lang",
                f"unknown language '{lang}': the site publishes only in '{config.language}'; "
                f"add a [languages.{lang}] table to site.toml for an edition in it",
            )
        else:
            f.bad(
                "lang",
                f"unknown language '{lang}'{did_you_mean(lang, codes)}; the site's editions are: {', '.join(codes)}",
            )
        return config
    return edition


def translation_collisions(articles: Iterable[Any]) -> list[Problem]:
    """Report two stories of one language that give the same translation_key, naming both files and lines."""
    seen: dict[tuple[str, str], Any] = {}
    problems = []
    for a in sorted((a for a in articles if a.translation_key), key=lambda a: str(a.path)):
        first = seen.setdefault((a.lang, a.translation_key), a)
        if first is not a:
            where = f"{first.path}:{first.translation_line}"
            problems.append(
                Problem(
                    a.path,
                    a.translation_line,
                    f"translation_key '{a.translation_key}' is already the key of {where}, "
                    f"another '{a.lang}' story; each edition may have one version of a story",
                )
            )
    return problems
