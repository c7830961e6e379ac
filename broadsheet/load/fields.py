"""Typed access to one file's front matter, a Problem collected for each bad field."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from broadsheet import urls
from broadsheet.errors import Problem
from broadsheet.load.config import Config
from broadsheet.load.dates import to_datetime
from broadsheet.load.frontmatter import UNREADABLE, clip


class Fields:
    """Typed access to one file's front matter, collecting a Problem per bad field."""

    def __init__(self, path: Path, fields: dict[str, tuple[Any, int]]):
        self.path = path
        self.fields = fields
        self.problems: list[Problem] = []

    def line(self, key: str) -> int | None:
        return self.fields[key][1] if key in self.fields else None

    def bad(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, self.line(key) or 1, message))

    def get(self, key: str, required: bool) -> Any:
        """Return the raw value, or None when absent (reported if required) or unreadable."""
        value = self.fields.get(key, (None, 0))[0]
        if value is None and required:
            self.problems.append(Problem(self.path, 1, f"missing required field '{key}'"))
        return None if value is UNREADABLE else value

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.get(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.bad(key, f"'{key}' must be text, not {describe_value(value)}; put it in quotes")
            return None
        value = unicodedata.normalize("NFC", value.strip())  # one spelling of each name, however it was typed
        if required and not value:
            self.bad(key, f"'{key}' must not be empty")
            return None
        return value or None

    def names(self, key: str, required: bool = False) -> tuple[str, ...]:
        value = self.get(key, required)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if isinstance(value, str) and "," in value:
            if key == "tags":  # `tags: ferries, council` means two tags, never one called "ferries-council"
                items = [i for i in value.split(",") if i.strip()]
            else:  # a name may hold a comma ("Smith, Jr."): ask which was meant
                listed = ", ".join(i.strip() for i in value.split(","))
                self.bad(
                    key,
                    f"'{key}' is one text with a comma; for several, write a list: {key}: [{listed}]; "
                    f"for one name with a comma, a list of one: {key}: [{json.dumps(value.strip())}]",
                )
                return ()
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            self.bad(key, f"'{key}' must be a name or a list of names, not {describe_value(value)}")
            return ()
        out = tuple(dict.fromkeys(unicodedata.normalize("NFC", i.strip()) for i in items))
        if required and not out:
            self.bad(key, f"'{key}' must name at least one person")
        if nameless := [i for i in out if not urls.slugify(i)]:
            # Each name gets a page at /authors/<slug>/ or /tags/<slug>/: no letters, no page, a dead link.
            self.bad(key, f"'{key}': {nameless[0]!r} has no letters or digits to make a URL from")
            return ()
        return out

    def flag(self, key: str) -> bool:
        value = self.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.bad(key, f"'{key}' must be true or false, not {describe_value(value)}")
            return False
        return value

    def when(self, key: str, config: Config, required: bool = False) -> datetime | None:
        value = self.get(key, required)
        if value is None:
            return None
        parsed = to_datetime(value, config)
        if parsed is None:
            self.bad(
                key,
                f"'{key}': cannot read {clip(value)!r} as a date; "
                "write e.g. 2026-02-12, '2026-02-12 08:30' or 2026-02-12T08:30:00-08:00",
            )
            return None
        try:  # every page shows dates in UTC and in the site's zone; year 1 or 9999 cannot be shifted
            parsed.astimezone(UTC).astimezone(config.timezone)
        except (OverflowError, ValueError):
            self.bad(key, f"'{key}': {parsed.isoformat()} is out of range")
            return None
        return parsed


def describe_value(value: Any) -> str:
    """Name a front-matter value for a message: 'the date 2026-02-12', 'a list', "int 3"."""
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, (datetime, date)):
        return f"the date {value.isoformat()}"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    return f"{type(value).__name__} {value!r}"
