"""Aliases: the old URLs a story keeps, each redirected to where it lives now."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote

from broadsheet.load.frontmatter import clip

_FORBIDDEN = re.compile(r"[\s\\?#\x00-\x1f\x7f]")


def parse_aliases(value: Any) -> tuple[tuple[str, ...], list[str]]:
    """Read `aliases: ["/old/path/", ...]`: the paths in one spelling each, and what is wrong with the rest.

    A path whose last segment has no dot is a folder ("/old/path" is "/old/path/"), and each is written
    percent-encoded as the site's own URLs are, so that one old address is compared and listed one way.
    """
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return (), ["'aliases' must be a list of paths on this site, e.g. [\"/old/path/\"]"]
    found, messages = [], []
    for item in items:
        path = item.strip()
        segments = path.split("/")
        if (not path.startswith("/") or path.startswith("//") or path == "/" or _FORBIDDEN.search(path)
                or any(s in (".", "..") for s in segments)):
            messages.append(f"alias {clip(item)!r} must be a path on this site, like \"/old/path/\"")
            continue
        if "." not in segments[-1] and not path.endswith("/"):
            path += "/"
        found.append(quote(unquote(path), safe="/"))
    return tuple(dict.fromkeys(found)), messages
