"""Server-side and edge-side includes, resolved as nginx and an ESI edge would: for `serve`, and for tests that
check a page as the host shows it (includes = "ssi" or "esi", broadsheet/plan/regions.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

# What the theme writes (partials/region.html): nginx's and Apache's SSI, and ESI 1.0's include.
_INCLUDE = re.compile(rb'<!--# include virtual="([^"]*)" -->|<esi:include src="([^"]*)"\s*/>')
MISSING = b"<!-- an include could not be read -->"  # what nginx shows in place of a failed include


def expand_includes(page: bytes, read: Callable[[str], bytes | None]) -> bytes:
    """Replace each include in an HTML page with the bytes of the file at its URL (`read(url)`, None: missing).

    Once, not recursively: the fragments Broadsheet writes include nothing.
    """

    def included(m: re.Match[bytes]) -> bytes:
        url = (m.group(1) or m.group(2)).decode("utf-8", "replace")
        data = read(url)
        return MISSING if data is None else data

    return _INCLUDE.sub(included, page)
