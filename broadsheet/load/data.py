"""Data files: data/*.toml, *.yaml, *.json and *.csv, which templates read as site.data.<file stem>."""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

from broadsheet.errors import Problem
from broadsheet.load.article import Extra
from broadsheet.load.discovery import find_data
from broadsheet.load.frontmatter import CONTROLS, decode, read_limited
from broadsheet.stamps import digest

MAX_DATA_VALUES = 200_000  # after expanding YAML aliases: a results table fits, a "billion laughs" does not
ABSENT = b"absent"  # the value of a data file that does not exist: one added later changes it


class DataFiles:
    """`site.data`: each data file's value by the file's stem, read by name (`site.data.results`).

    Not iterable on purpose: a page depends on exactly the files it names (incremental/deps.py), so that
    editing data/results.csv draws again only the pages that read `site.data.results`.
    """

    # No public attribute: Jinja tries one before the item, and would hide a data file of the same name.
    __slots__ = ("_digests", "_values")

    def __init__(self, values: dict[str, Any] | None = None, digests: dict[str, bytes] | None = None):
        self._values = values or {}
        self._digests = digests or {}  # by stem: the digest of each file's bytes

    def __getitem__(self, stem: str) -> Any:
        return self._values[stem]

    def __contains__(self, stem: object) -> bool:
        return stem in self._values

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DataFiles) and self._digests == other._digests

    __hash__ = None  # type: ignore[assignment]


def data_digest(files: DataFiles, stem: str) -> bytes:
    """Return the fingerprint of one data file (ABSENT: there is none of that name)."""
    return files._digests.get(stem, ABSENT)


def load_data(site_dir: Path, max_size: int) -> tuple[DataFiles, list[Problem]]:
    """Read every data file, collecting a `path:line` problem for each malformed one or two files of one stem."""
    values: dict[str, Any] = {}
    digests: dict[str, bytes] = {}
    owners: dict[str, Path] = {}
    problems: list[Problem] = []
    for path in find_data(site_dir):
        stem = path.stem
        if stem in owners:
            problems.append(Problem(path, None, f"site.data.{stem} is also {owners[stem].name}; rename one of them"))
            continue
        owners[stem] = path
        data = read_limited(path, max_size)
        if isinstance(data, Problem):
            problems.append(data)
            continue
        value = parse_data(path, data)
        if isinstance(value, Problem):
            problems.append(value)
        else:
            values[stem], digests[stem] = value, digest(data)
    return DataFiles(values, digests), problems


def parse_data(path: Path, data: bytes) -> Any:
    """Parse one data file by its suffix; tables become mappings whose missing keys are falsy in templates."""
    text = decode(path, data)
    if isinstance(text, Problem):
        return text
    text = CONTROLS.sub("", text)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        try:
            return as_template_value(tomllib.loads(text))
        except tomllib.TOMLDecodeError as e:
            m = re.search(r"line (\d+)", str(e))
            return Problem(path, int(m.group(1)) if m else None, f"invalid TOML: {e}")
        except RecursionError:
            return Problem(path, None, "invalid TOML: nested too deeply")
    if suffix == ".json":
        try:
            return as_template_value(json.loads(text, object_pairs_hook=unique_keys))
        except DuplicateKey as e:
            return Problem(path, line_of_key(text, e.key), f"invalid JSON: the key {e.key!r} is given twice")
        except json.JSONDecodeError as e:
            return Problem(path, e.lineno, f"invalid JSON: {e.msg} (column {e.colno})")
        except RecursionError:
            return Problem(path, None, "invalid JSON: nested too deeply")
    if suffix == ".csv":
        return parse_csv(path, text)
    return parse_yaml(path, text)


def parse_yaml(path: Path, text: str) -> Any:
    """Parse YAML safely: no tags beyond plain data, and a bound on values that aliases expand to."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if (count := count_nodes(node)) > MAX_DATA_VALUES:
            return Problem(
                path,
                1,
                f"invalid YAML: {count} values or more (aliases counted each time they are used);"
                f" the limit is {MAX_DATA_VALUES}",
            )
        if (twice := repeated_key(node)) is not None:
            return Problem(path, twice.start_mark.line + 1, f"invalid YAML: the key {twice.value!r} is given twice")
        return as_template_value(loader.construct_document(node))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        reason = getattr(e, "problem", None) or str(e)
        return Problem(path, mark.line + 1 if mark else None, f"invalid YAML: {reason}")
    except RecursionError:
        return Problem(path, None, "invalid YAML: nested too deeply")
    finally:
        loader.dispose()


def count_nodes(root: yaml.Node) -> int:
    """Count nodes as construction would see them, aliases expanded, stopping past the limit."""
    stack, count = [root], 0
    while stack and count <= MAX_DATA_VALUES:
        node = stack.pop()
        count += 1
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(child for pair in node.value for child in pair)
    return count


def repeated_key(root: yaml.Node) -> yaml.ScalarNode | None:
    """Return the first key given twice in one mapping (YAML would keep the last silently), or None."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias: its mapping was looked at where it was defined
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            keys = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    if (key.tag, key.value) in keys:
                        return key
                    keys.add((key.tag, key.value))
                stack.extend((key, value))
    return None


class DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build a JSON object, refusing a key given twice (json would keep the last silently)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKey(key)
        out[key] = value
    return out


def line_of_key(text: str, key: str) -> int | None:
    """Return the line of a JSON key's second appearance, as near as a text search can tell."""
    needle = json.dumps(key)
    lines = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[1] if len(lines) > 1 else (lines[0] if lines else None)


def parse_csv(path: Path, text: str) -> Any:
    """Read a CSV file with a header row into a list of rows, each a mapping from the header's names."""
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    out = []
    try:
        for row in reader:
            if header is None:
                header = [name.strip() for name in row]
                if not all(header) or len(set(header)) != len(header):
                    return Problem(
                        path, reader.line_num, "invalid CSV: the first row must name every column, each once"
                    )
            elif row and len(row) != len(header):
                return Problem(
                    path, reader.line_num, f"invalid CSV: {len(row)} values in a row of {len(header)} columns"
                )
            elif row:
                out.append(Extra(zip(header, row)))
    except csv.Error as e:
        return Problem(path, reader.line_num, f"invalid CSV: {e}")
    return out


def as_template_value(value: Any) -> Any:
    """Return a parsed value with every table an Extra (a missing key is falsy), through lists too."""
    if isinstance(value, dict):
        return Extra({k: as_template_value(v) for k, v in value.items()})
    if isinstance(value, list):
        return [as_template_value(v) for v in value]
    return value
