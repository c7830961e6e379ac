"""Article bodies: Markdown in, HTML out."""

from __future__ import annotations

import html
import re

import markdown as _markdown

EXTENSIONS = ("extra", "sane_lists", "smarty")
# Part of every cache key for rendered bodies: change it when the output can change.
RENDERER_VERSION = f"markdown-{_markdown.__version__}:" + ",".join(EXTENSIONS)

_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


class MarkdownRenderer:
    """A reusable Python-Markdown converter (reset between documents)."""

    def __init__(self) -> None:
        self._md = _markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")

    def render(self, text: str) -> str:
        """Return the HTML for one article body."""
        self._md.reset()
        return self._md.convert(text)


def first_paragraph_text(body_html: str) -> str:
    """Return the plain text of the first paragraph of rendered HTML, or ''."""
    m = _FIRST_PARAGRAPH.search(body_html)
    if not m:
        return ""
    return " ".join(html.unescape(_TAG.sub("", m.group(1))).split())
