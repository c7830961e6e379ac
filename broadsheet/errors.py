"""Problems found in a site, and the errors that carry them to the CLI."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the site, pointing at the file and line that causes it."""

    path: Path
    line: int | None
    message: str
    column: int | None = None

    def format(self, cwd: Path | None = None) -> str:
        """Return the problem as `path:line: message`."""
        shown = display_path(self.path, cwd)
        where = f"{shown}:{self.line}" if self.line else shown
        if self.line and self.column:
            where += f":{self.column}"
        return one_line(f"{where}: {self.message}")


# Control characters and line breaks from a file name or a hostile value would forge or split report lines.
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F)} | {0x85: "\\x85", 0x2028: "\\u2028", 0x2029: "\\u2029"}
_CONTROLS |= {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
# C1 controls (0x9b starts an escape sequence on some terminals) and the marks that reorder text on screen.
_CONTROLS |= {c: f"\\x{c:02x}" for c in range(0x80, 0xA0) if c != 0x85}
_CONTROLS |= {c: f"\\u{c:04x}" for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def one_line(text: str) -> str:
    """Escape control characters and line breaks so a report line stays one line."""
    return text.translate(_CONTROLS)


class BuildError(Exception):
    """The site has problems; every one found is listed, not just the first."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(sorted(set(problems), key=_problem_key))
        super().__init__("\n".join(p.format() for p in self.problems))


class UsageError(Exception):
    """The command line asked for something impossible; exit 2 with one line."""


def _problem_key(p: Problem) -> tuple:
    return (str(p.path), p.line or 0, p.message)


def display_path(path: Path, cwd: Path | None = None) -> str:
    """Show a path relative to the working directory when it lies inside it."""
    cwd = cwd or Path.cwd()
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Suggest the nearest choice, as ' (did you mean 'X'?)', or ''."""
    lowered = {c.lower(): c for c in choices}
    from difflib import get_close_matches  # only for a message: not imported by every command

    match = get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean '{lowered[match[0]]}'?)" if match else ""


class OutputChanged(Exception):
    """A step after the output was put in place failed: the output is the new build, and must be said to be."""

    def __init__(self, changed: int, cause: BaseException):
        self.changed = changed
        self.cause = cause
        super().__init__(str(cause))
