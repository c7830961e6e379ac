"""Converting a story's body to HTML: its text and a live blog's updates, all within one time limit."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from broadsheet.errors import Problem
from broadsheet.load.live import Update, render_story
from broadsheet.load.markdown import MarkdownRenderer, MarkdownTimeout, time_limit


def render_body(path: Path, body: str, renderer: MarkdownRenderer) -> str | Problem:
    """Convert a body that is not a live blog within the time limit, turning a failure into a Problem."""
    return convert_story(path, body, renderer, False)[0]  # the HTML, or the one problem


def convert_story(
    path: Path, body: str, renderer: MarkdownRenderer, live_since: datetime | bool, tz: ZoneInfo | None = None
) -> tuple[str, tuple[Update, ...]] | list[Problem]:
    """Convert a story's body, a live blog's text and every update, all within one `markdown_time_limit`.

    A limit per update would let a live blog of many updates run without bound.
    """
    try:
        with time_limit(renderer.time_limit):
            return render_story(
                path, body, lambda t: convert_part(path, t, renderer), live_since, tz or ZoneInfo("UTC")
            )
    except MarkdownTimeout as e:
        advice = (
            "split the live blog, or simplify it (its text and every update share the limit)"
            if live_since
            else "simplify the body (long runs of '[' or '<![' do this)"
        )
        return [Problem(path, None, f"Markdown {e} to convert; {advice}")]


def convert_part(path: Path, text: str, renderer: MarkdownRenderer) -> str | Problem:
    """Convert a body or one update, turning a crashing conversion into a Problem (a timeout ends the story)."""
    try:
        return renderer.render(text)
    except MarkdownTimeout:
        raise
    except RecursionError:
        return Problem(path, None, "Markdown body is nested too deeply to convert")
    except Exception as e:  # noqa: BLE001 -- a bug in Python-Markdown must cost one article, not the build's error report
        return Problem(path, None, f"Markdown could not convert the body: {type(e).__name__}: {e}")
