"""Live blogs: a story with `live: true` whose level-2 headings that start with a time are its updates.

    ## 10:42 Ferry service suspended
    ## 2026-02-13 07:05 Sailings resume

A time alone is on the story's own day, in the site's time zone; a date before it names another day. The page
shows the text before the first update, then the updates newest first, each with its time and an anchor.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from broadsheet.errors import Problem

_HEADING = re.compile(
    r"^## +(?:(?P<day>\d{4}-\d{2}-\d{2})[ T]+)?(?P<h>\d{1,2}):(?P<m>\d{2})(?![\d:])[ \t]*"
    r"(?P<title>.*?)[ \t#]*$",
    re.MULTILINE,
)
_FENCE = re.compile(r"^(?:```|~~~)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Update:
    """One update of a live blog."""

    time: datetime  # aware
    title: str
    anchor: str  # the id of its section on the page
    html: str  # its text, rendered


@dataclass(frozen=True, slots=True)
class Heading:
    """An update's heading as written, with the Markdown under it."""

    line: str  # the heading itself, for pointing a problem at it
    when: datetime | str  # the time, or what is wrong with it
    title: str
    text: str


def split_updates(body: str, day: date, tz: ZoneInfo) -> tuple[str, list[Heading]]:
    """Split a live blog's body into the text before the first update and each update (in the order written).

    Headings inside fenced code blocks (after an odd number of fence lines) are not updates.
    """
    fences = [m.start() for m in _FENCE.finditer(body)]  # found once: counting them again per heading was quadratic
    found = [m for m in _HEADING.finditer(body) if bisect_left(fences, m.start()) % 2 == 0]
    if not found:
        return body, []
    headings = []
    for m, end in zip(found, [n.start() for n in found[1:]] + [len(body)]):
        headings.append(Heading(m.group(0), when_of(m, day, tz), m.group("title"), body[m.end() : end]))
    return body[: found[0].start()], headings


def when_of(m: re.Match[str], day: date, tz: ZoneInfo) -> datetime | str:
    """Return an update's time, or why it is not one."""
    try:
        on = date.fromisoformat(m.group("day")) if m.group("day") else day
        return datetime.combine(on, time(int(m.group("h")), int(m.group("m"))), tzinfo=tz)
    except ValueError:
        return f"update heading {m.group(0).strip()!r}: not a time of day (write 10:42, or 2026-02-13 10:42)"


def anchors(updates: list[tuple[datetime, str]]) -> list[str]:
    """Name each update's section after its time, so that a link to it survives later updates."""
    seen: dict[str, int] = {}
    out = []
    for when, _ in updates:
        base = f"update-{when:%Y%m%d-%H%M}"
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return out


def draw_updates(intro_html: str, updates: tuple[Update, ...]) -> str:
    """Return a live blog's body: the introduction, then each update, newest first, with its time and anchor."""
    parts = [intro_html] if intro_html else []
    for u in updates:
        parts.append(
            f'<section class="live-update" id="{u.anchor}">\n<h2><a class="live-time" href="#{u.anchor}">'
            f'<time datetime="{u.time.isoformat()}">{u.time:%H:%M}</time></a> {html.escape(u.title)}</h2>\n'
            f"{u.html}\n</section>"
        )
    return "\n".join(parts)


def newest_first(updates: list[Update]) -> tuple[Update, ...]:
    return tuple(sorted(updates, key=lambda u: u.time, reverse=True))


def render_story(
    path: Path, body: str, render: Callable[[str], str | Problem], live_since: datetime | bool, tz: ZoneInfo
) -> tuple[str, tuple[Update, ...]] | list[Problem]:
    """Convert a body; a live blog's (live_since: when it started; False: not one) update by update."""
    if not isinstance(live_since, datetime):
        body_html = render(body)
        return [body_html] if isinstance(body_html, Problem) else (body_html, ())
    intro, headings = split_updates(body, live_since.astimezone(tz).date(), tz)
    bad = [h for h in headings if isinstance(h.when, str)]
    lines = lines_of(path, [h.line for h in bad])
    problems = [Problem(path, line, h.when) for h, line in zip(bad, lines, strict=True)]
    parts = [render(text) for text in (intro, *(h.text for h in headings))]
    problems += [p for p in parts if isinstance(p, Problem)]
    if problems:
        return problems
    timed = [(h.when, h.title) for h in headings]
    updates = newest_first(
        [
            Update(when, title.strip(), anchor, text)
            for (when, title), anchor, text in zip(timed, anchors(timed), parts[1:])
        ]
    )
    return draw_updates(parts[0] if intro.strip() else "", updates), updates


def lines_of(path: Path, texts: list[str]) -> list[int | None]:
    """Return the line of a file that holds each text (the file read once, only to point problems at them)."""
    if not texts:
        return []
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return [None] * len(texts)
    first: dict[str, int] = {}
    for n, line in enumerate(lines, 1):
        first.setdefault(line.strip(), n)
    return [
        first.get(text.strip()) or next((n for n, line in enumerate(lines, 1) if text.strip() in line), None)
        for text in texts
    ]
