"""Front matter: the YAML between the '---' lines, read safely, each field with its line."""

from __future__ import annotations

import json
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from broadsheet.errors import Problem, did_you_mean

_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
UNREADABLE = object()  # a value reported already, so not also 'missing'
# Invisible controls (C0 but tab and newline, and DEL) that pasted wire copy carries and XML cannot: dropped,
# like a BOM. A lone surrogate cannot even be written as UTF-8: an error.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters that show nothing: format controls (LRM, RLO, ZWSP, ZWJ, WJ, BOM, SHY), spaces, lone marks,
# and the letters and symbols drawn blank (Hangul fillers, the Braille blank).
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Co", "Zs", "Zl", "Zp", "Mn", "Me"})
_UNSEEN = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


INVISIBLE_TITLE = "'title' shows nothing: it has no visible character (only spaces, or marks such as LRM or ZWSP)"


def visible(text: str) -> bool:
    """Tell whether text shows at least one character on screen (a headline of only ZWSP and SHY shows none)."""
    return any(unicodedata.category(c) not in _UNSEEN_CATEGORIES and c not in _UNSEEN for c in text)


_SURROGATE = re.compile(r"[\ud800-\udfff]")
MAX_FRONT_MATTER = 64 * 1024  # characters; a story's fields fit in a few hundred
MAX_YAML_NODES = 5000  # after expanding aliases: stops "billion laughs" before it is built
MAX_YAML_DEPTH = 20
_YAML_MAP = "tag:yaml.org,2002:map"
_CSafeLoader = getattr(yaml, "CSafeLoader", None)  # PyYAML built with libyaml
# Deep indentation, or block indicators chained on one line ("- - - -"), can nest without limit.
# Where libyaml and PyYAML read text differently (document markers, directives, tabs, line breaks other than
# LF, a BOM), or nest without limit, the pure-Python loader reads it.
_NOT_FAST = re.compile(
    r"[\t\r\x85\u2028\u2029\ufeff]|^(?:\.\.\.|---|%)|[|>][-+0-9]*#|^ {40}|(?:[-?:] +){8}", re.MULTILINE
)


def decode(path: Path, data: bytes) -> str | Problem:
    """Decode UTF-8 (a BOM is allowed) and normalise line endings to LF."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return Problem(
            path, line, f"not valid UTF-8: byte 0x{data[e.start]:02x} at offset {e.start}; save the file as UTF-8"
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_limited(path: Path, limit: int) -> bytes | Problem:
    """Read a regular file of at most `limit` bytes; refuse anything bigger before reading it."""
    try:
        # O_NONBLOCK: a FIFO named x.md must not hang the build; it is refused below.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        return Problem(path, None, f"cannot read: {e.strerror}")
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            return Problem(path, None, "not a regular file; content must be plain Markdown files")
        if info.st_size > limit:
            return Problem(path, None, f"file is {_size(info.st_size)}, more than max_file_size ({_size(limit)})")
        data = fh.read(limit + 1)  # the file may grow while we read: never take more than the limit
    if len(data) > limit:
        return Problem(path, None, f"file is more than max_file_size ({_size(limit)})")
    return data


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def near_misses(path: Path, fields: dict[str, tuple[Any, int]], known: tuple[str, ...]) -> list[Problem]:
    """Report each unknown field one or two keystrokes from a known one (`tittle`, `auther`, `tag`).

    Other unknown fields are the site's own (article.extra); these are almost always typos, and a typo in
    `title` or `tags` must not pass silently as an extra key.
    """
    problems = []
    for key, (_, line) in fields.items():
        if key in known:
            continue
        close = [k for k in known if edits(key.lower(), k) <= (1 if len(k) <= 5 else 2)]
        if close:
            problems.append(
                Problem(
                    path,
                    line,
                    f"unknown field '{key}'{did_you_mean(key, close)}; "
                    "a field of the site's own needs a name further from Broadsheet's",
                )
            )
    return problems


def edits(a: str, b: str) -> int:
    """Count the insertions, deletions, substitutions and swaps of neighbours that turn a into b."""
    if abs(len(a) - len(b)) > 2:
        return 3
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def split_front_matter(path: Path, text: str) -> tuple[str, str] | Problem:
    """Return (front matter, body); the front matter starts on line 2."""
    first, _, rest = text.partition("\n")
    if first.rstrip() != "---":
        return Problem(path, 1, "no front matter: the file must start with a '---' line")
    m = _CLOSING.search(rest)
    if not m:
        return Problem(path, 1, "front matter is not closed: add a '---' line after the last field")
    return rest[: m.start()], rest[m.end() + 1 :]


def parse_yaml_fields(path: Path, fm: str) -> tuple[dict[str, tuple[Any, int]], list[Problem]]:
    """Parse front matter safely into {key: (value, line)}, keeping each field's line."""
    problems: list[Problem] = []
    if len(fm) > MAX_FRONT_MATTER:
        return {}, [
            Problem(
                path,
                1,
                f"front matter is {len(fm) // 1024} KB; the limit is "
                f"{MAX_FRONT_MATTER // 1024} KB (put long text in the body)",
            )
        ]
    if (fast := _fast_compose(fm)) is not None:
        loader, node = fast
    else:
        loader, node = _compose(path, fm)
        if isinstance(loader, list):
            return {}, loader
    if node is None:
        return {}, [Problem(path, 1, "front matter is empty")]
    if not isinstance(node, yaml.MappingNode):
        return {}, [Problem(path, node.start_mark.line + 2, "front matter must be a mapping of 'field: value' lines")]
    if node.tag != _YAML_MAP:
        return {}, [
            Problem(path, node.start_mark.line + 2, f"invalid YAML in front matter: tag {node.tag!r} is not allowed")
        ]
    if too_big := yaml_too_big(node):
        return {}, [Problem(path, 1, f"invalid YAML in front matter: {too_big}")]
    fields: dict[str, tuple[Any, int]] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 2
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
            problems.append(Problem(path, line, f"field names must be text, not {key_node.value!r}"))
            continue
        key = key_node.value
        if key in fields:
            problems.append(Problem(path, line, f"'{key}' is given twice"))
            continue
        try:
            value = loader.construct_object(value_node, deep=True)
        except (
            yaml.YAMLError,
            ValueError,
            TypeError,
            OverflowError,
            LookupError,
        ) as e:  # "!!int" with no digits: IndexError
            raw = value_node.value if isinstance(value_node, yaml.ScalarNode) else "…"
            if key in ("date", "updated") and not isinstance(e, yaml.YAMLError):
                problems.append(Problem(path, line, f"'{key}': impossible date {raw!r} ({e})"))
            else:
                reason = "its tag needs a value" if isinstance(e, LookupError) else getattr(e, "problem", None) or e
                problems.append(
                    Problem(path, line, f"invalid YAML in '{key}': cannot read value {clip(raw)!r}: {reason}")
                )
            fields[key] = (UNREADABLE, line)  # reported already; not "missing" as well
            continue
        if (bad := lone_surrogate(value)) is not None:
            problems.append(
                Problem(
                    path, line, f"'{key}' contains U+{ord(bad):04X}, half of a character; write the character itself"
                )
            )
            fields[key] = (UNREADABLE, line)
            continue
        # A slug names a file: a control character in it is refused, not quietly dropped.
        fields[key] = (value if key == "slug" else drop_controls(value), line)
    loader.dispose()
    return fields, problems


def _fast_compose(fm: str) -> tuple[Any, yaml.Node | None] | None:
    """Compose with libyaml when it is there and the text is shallow; None: use the pure-Python loader.

    libyaml is ten times faster. Its composer recurses in C without a depth check, so deeply nested
    text goes the pure-Python way, which reports it; so does any text libyaml refuses, so that every
    error message is the same whichever loader was tried first.
    """
    flows = fm.count("[") + fm.count("{")
    # "?" in a flow collection ("{a? }") is read differently by the two.
    if _CSafeLoader is None or _NOT_FAST.search(fm) or flows > 100 or (flows and "?" in fm):
        return None
    try:
        loader = _CSafeLoader(fm)
        return loader, loader.get_single_node()
    except Exception:  # noqa: BLE001 (whatever libyaml refuses, the pure-Python loader reads and reports)
        return None


def _compose(path: Path, fm: str) -> tuple[Any, yaml.Node | None] | tuple[list[Problem], None]:
    """Compose front matter with the pure-Python loader: (loader, root node), or (problems, None)."""
    try:
        loader = yaml.SafeLoader(fm)
    except yaml.reader.ReaderError as e:  # raised by the constructor for characters YAML forbids
        line = fm[: e.position].count("\n") + 2
        return [
            Problem(path, line, f"invalid YAML in front matter: character U+{e.character:04X} is not allowed")
        ], None
    try:
        node = loader.get_single_node()
    except RecursionError:
        loader.dispose()
        return [Problem(path, 1, "invalid YAML in front matter: nested too deeply")], None
    except yaml.YAMLError as e:
        loader.dispose()
        mark = getattr(e, "problem_mark", None)
        reason = getattr(e, "problem", None) or str(e)
        context = getattr(e, "context", None)
        msg = f"invalid YAML in front matter: {reason}" + (f" ({context})" if context else "")
        if (advice := yaml_advice(e, fm)) is not None:
            line, what = advice
            column = mark.column + 1 if mark is not None and line == mark.line else None
            return [Problem(path, line + 2, f"invalid YAML in front matter: {what} (YAML: {reason})", column)], None
        if mark is None:
            return [Problem(path, 1, msg)], None
        return [Problem(path, mark.line + 2, msg, mark.column + 1)], None
    return loader, node


def yaml_advice(e: yaml.YAMLError, fm: str) -> tuple[int, str] | None:
    """Say what to do about the YAML mistakes people make most, in the words of the front matter, with the line
    (from 0) it is on; None for the rest."""
    problem, context = getattr(e, "problem", None) or "", getattr(e, "context", None) or ""
    mark, start = getattr(e, "problem_mark", None), getattr(e, "context_mark", None)
    if mark is None:
        return None
    lines = fm.split("\n")
    at_start = start is not None and ("quoted scalar" in context or "expected ':'" in problem)
    at = start.line if at_start else mark.line
    key, _, value = (lines[at] if at < len(lines) else "").partition(":")
    key, value = key.strip(), value.strip()
    quoted = f"put the value in quotes: {key}: {json.dumps(value, ensure_ascii=False)}"
    if problem == "mapping values are not allowed here":
        return at, f"the value of '{key}' holds a colon and a space, which YAML reads as another field; {quoted}"
    if "'\\t'" in problem:
        return at, "a tab in the front matter; indent and separate with spaces"
    if "alias" in context or "anchor" in context or "cannot start any token" in problem:
        first = value[:1] or "this character"
        return at, f"a value cannot start with {first!r} in YAML; {quoted}"
    if "quoted scalar" in context:
        return at, (
            f"the quote that opens the value of '{key}' is not closed; end it with the same quote, "
            "and write a quote inside it as \\\" (or '' between single quotes)"
        )
    if "expected <block end>" in problem and value[:1] in "'\"":
        return (
            at,
            f"text follows the closing quote of '{key}'; quote the whole value: {key}: {json.dumps(value, ensure_ascii=False)}",
        )
    if "expected ':'" in problem:
        return at, (
            "this line is not 'field: value'; continue a long value on the next line indented by two spaces, "
            "or put the whole value in quotes"
        )
    if "flow sequence" in context:
        return at, "a list opened with '[' is not closed with ']'" + (
            f" (it opens on line {start.line + 2})" if start else ""
        )
    return None


def yaml_too_big(root: yaml.Node) -> str | None:
    """Count nodes as construction would see them, aliases expanded; say why it is too big, or None."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_YAML_NODES:
            return f"more than {MAX_YAML_NODES} values (aliases counted each time they are used)"
        if depth > MAX_YAML_DEPTH:
            return f"nested more than {MAX_YAML_DEPTH} levels deep"
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
    return None


def drop_controls(value: Any) -> Any:
    """Remove invisible control characters from every string in a YAML value."""
    if isinstance(value, str):
        return CONTROLS.sub("", value)
    if isinstance(value, list):
        return [drop_controls(v) for v in value]
    if isinstance(value, dict):
        return {drop_controls(k): drop_controls(v) for k, v in value.items()}
    return value


def lone_surrogate(value: Any) -> str | None:
    """Return the first lone surrogate anywhere in a YAML value, or None."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if m := _SURROGATE.search(item):
                return m.group()
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return None


def clip(text: Any, n: int = 60) -> Any:
    return text[:n] + "…" if isinstance(text, str) and len(text) > n else text
