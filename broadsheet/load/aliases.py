"""Aliases: the old URLs a story keeps, each redirected to where it lives now."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, unquote

from broadsheet.guard import RESERVED_OUTPUT, OutsideFolder, confined_name
from broadsheet.load.frontmatter import clip

_FORBIDDEN = re.compile(r"[\s\\?#\x00-\x1f\x7f]")


def parse_aliases(value: Any, reserved: Iterable[str] = RESERVED_OUTPUT) -> tuple[tuple[str, ...], list[str]]:
    """Read `aliases: ["/old/path/", ...]`: the paths in one spelling each, and what is wrong with the rest.

    A path whose last segment has no dot is a folder ("/old/path" is "/old/path/"), and each is written
    percent-encoded as the site's own URLs are, so that one old address is compared and listed one way.
    Each is judged decoded, as a web server reads it, by the guard every output path passes: never outside the
    output folder, never onto a name it keeps (`reserved`: .git, CNAME, .nojekyll and the site's `keep`).
    """
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return (), ["'aliases' must be a list of paths on this site, e.g. [\"/old/path/\"]"]
    found, messages = [], []
    for item in items:
        path = item.strip()
        segments = path.split("/")
        if (
            not path.startswith("/")
            or path.startswith("//")
            or path == "/"
            or _FORBIDDEN.search(path)
            or any(s in (".", "..") for s in segments)
        ):
            messages.append(f'alias {clip(item)!r} must be a path on this site, like "/old/path/"')
            continue
        try:
            name = confined_name(path, decode=True, reserved=reserved)
        except OutsideFolder as e:
            messages.append(f"alias {clip(item)!r} cannot be written: {e.reason}")
            continue
        if any(s in (".", "..") for s in unquote(path).split("/")):  # '%2e%2e' is '..' to every web server
            messages.append(f'alias {clip(item)!r} must be a path on this site, like "/old/path/"')
            continue
        if not name:
            messages.append(f"alias {clip(item)!r} is the front page")
            continue
        if "." not in segments[-1] and not path.endswith("/"):
            path += "/"
        found.append(quote(unquote(path), safe="/"))
    return tuple(dict.fromkeys(found)), messages
