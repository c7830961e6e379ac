"""What a preview request path leads to: a file inside the served folder, a redirect, or nothing."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from broadsheet import urls

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a request path leads to: a file, a redirect to the slash form, or nothing (404)."""

    file: Path | None = None
    location: str | None = None


def resolve_target(root: Path, raw_path: str, prefix: str = "") -> Resolved:
    """Map a request path (under `prefix`, the site's own path) onto a file inside root, refusing anything
    that could lead outside."""
    path = raw_path.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or not _is_plain(path):
        return Resolved()
    if prefix:
        if path in ("/", prefix):
            return Resolved(location=prefix + "/")
        if not path.startswith(prefix + "/"):
            return Resolved()
        path = path[len(prefix) :]
    segments = [s for s in unquote(path).split("/") if s]
    candidate = Path(root, *segments)
    real_root = os.path.realpath(root)
    real = os.path.realpath(candidate)
    if os.path.commonpath([real_root, real]) != real_root:
        return Resolved()  # a symlink that leads out of the served folder
    if os.path.isdir(real):
        if not path.endswith("/"):
            # Built from the cleaned segments: never '//host' or '/\host', so never an open redirect.
            return Resolved(location=prefix + "/" + "".join(quote(s) + "/" for s in segments))
        index = os.path.join(real, "index.html")
        return Resolved(file=Path(index)) if os.path.isfile(index) else Resolved()  # no listings
    if os.path.isfile(real) and not path.endswith("/"):
        return Resolved(file=Path(real))
    return Resolved()


def page_rel(raw_path: str, prefix: str = "") -> str | None:
    """Return the output file a request path names (a folder's: its index.html) without looking at the disk,
    as a page's output path is spelt; None for a path that could name nothing inside the folder."""
    path = raw_path.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or not _is_plain(path):
        return None
    if prefix:
        if not path.startswith(prefix + "/"):
            return None
        path = path[len(prefix) :]
    return urls.output_path(path)


def _is_plain(path: str) -> bool:
    """Refuse '..', dot files, backslashes and control characters however many times encoded."""
    seen = path
    for _ in range(4):  # raw, %-decoded, double- and triple-encoded
        if "\\" in seen or CONTROL.search(seen):
            return False
        if any(s.startswith(".") for s in seen.split("/")):
            return False
        decoded = unquote(seen)
        if decoded == seen:
            return True
        seen = decoded
    return False  # encoded more deeply than any real link
