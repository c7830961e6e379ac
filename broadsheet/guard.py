"""One guard for every path we write: decoded, resolved with its links, and inside the one folder its writer owns."""

from __future__ import annotations

import functools
import os
import posixpath
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

from broadsheet.errors import one_line

# Names the README promises survive every build: no output path may be one of them (or lie inside .git).
RESERVED_OUTPUT = (".git", "CNAME", ".nojekyll")


class OutsideFolder(Exception):
    """A path we were asked to write lands outside the folder its writer owns, or on a name that is kept."""

    def __init__(self, path: str, root: Path | str, reason: str):
        self.path = path
        self.root = Path(root)
        self.reason = reason
        super().__init__(one_line(f"refusing to write {path!r} in {root}: {reason}"))


def confined(root: Path, relative: str, *, decode: bool = False, reserved: Iterable[str] = ()) -> Path:
    """Return the real, absolute path `relative` names under `root`, or raise OutsideFolder.

    `decode` percent-decodes first (a URL path: '/%2e%2e/' is '/../' to every web server). Control
    characters (NUL first of all) are refused; links are resolved (in parent folders and a final link), and
    the result must lie inside root's real path, with no segment `.git` and a first segment not in `reserved`,
    compared in one normal form, case-folded, since a case-insensitive file system would take 'cname' for 'CNAME'.
    """
    text = _decoded(os.fspath(relative), root, decode)
    base = os.path.realpath(root)
    resolved = os.path.realpath(os.path.join(base, text))
    _judge(text, base, resolved, reserved)
    return Path(resolved)


def confined_name(relative: str, *, decode: bool = False, reserved: Iterable[str] = ()) -> str:
    """Return the relative path `relative` names once decoded and its '..' applied ('' for the folder itself).

    The same judgement as confined, made before any folder exists (a story's alias, when it is read): links
    are not resolved, since there are none yet; confined judges them when the file is written.
    """
    text = _decoded(os.fspath(relative), _ANY, decode)
    resolved = posixpath.normpath(posixpath.join(_ANY, text))
    _judge(text, _ANY, resolved, reserved)
    return resolved[len(_ANY) + 1 :]  # judged inside _ANY: the part after it, '' for the folder itself


_ANY = "/output"  # the folder in which a name is judged before there is one


def _decoded(text: str, root: Path | str, decode: bool) -> str:
    if decode:
        try:
            text = unquote(text, errors="strict")
        except UnicodeDecodeError:
            raise OutsideFolder(text, root, "its percent-escapes are not UTF-8") from None
        text = text.lstrip("/")
    if _CONTROL.search(text):
        raise OutsideFolder(text, root, "it holds a control character")
    return text


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode's category Cc, exactly


def _judge(text: str, base: str, resolved: str, reserved: Iterable[str]) -> None:
    inside = resolved == base or resolved.startswith(base if base.endswith(os.sep) else base + os.sep)
    if not inside:
        raise OutsideFolder(text, base, "it leads outside the folder" + (f" (to {resolved})" if base != _ANY else ""))
    # Judged for every page of a build: string operations, not Path objects.
    parts = [p for p in resolved[len(base) :].split(os.sep) if p] if resolved != base else []
    if any(_folded(p) == ".git" for p in parts):
        raise OutsideFolder(text, base, "it lies in a .git folder")
    if parts and _folded(parts[0]) in _kept(tuple(reserved)):
        raise OutsideFolder(text, base, f"'{parts[0]}' is kept on every build, never written")


@functools.lru_cache(maxsize=64)
def _kept(reserved: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_folded(name) for name in reserved)


def _folded(name: str) -> str:
    return name.casefold() if name.isascii() else unicodedata.normalize("NFC", name).casefold()
