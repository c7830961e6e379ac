"""Article bodies: Markdown in, HTML out, with dangerous URLs neutralised and an optional allow-list."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager

import markdown as _markdown
import nh3

from broadsheet import deadline
from broadsheet.load.embeds import with_embeds
from broadsheet.load.figures import FiguresExtension
from broadsheet.load.inline import FastInlineExtension
from broadsheet.load.typography import SmartyExtension

EXTENSIONS = ("extra", "sane_lists")  # plus our SmartyExtension: smarty's output, several times faster
# Part of every cache key for rendered bodies: change it when the output can change.
RENDERER_VERSION = (
    f"markdown-{_markdown.__version__}:"
    + ",".join(EXTENSIONS)
    + ",smarty-fast-1,inline-triggers-1"
    + f":nh3-{nh3.__version__}:urls-1:figures-1:embeds-1"
)

_TAG = re.compile(r"<[^>]+>")

BLOCKED_URL = "about:invalid#blocked"  # what a neutralised href/src points to: nowhere, harmlessly
# Every attribute value in HTML follows an '='; we look at every '=', not only those inside tags we
# recognise, so no difference between our reading of the HTML and a browser's can hide a value.
# An unquoted value stops at the next '=' too: the scheme we look for has none, and it keeps the scan linear
# (otherwise every '=' of a long '====…' run would read to the end of the run).
_VALUE = re.compile(r"""=[ \t\n\f\r]*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^ \t\n\f\r>"'`=]+))""")
_URL_STRIPPED = re.compile(r"[\t\n\r]")  # the URL parser drops these anywhere in a URL
_SAFE_DATA = re.compile(r"image/(?:png|gif|jpeg|webp|avif)[;,]")

# ammonia's default tags, plus what Python-Markdown's extensions (tables, footnotes, abbr, def lists) emit.
SANITIZE_TAGS = frozenset(nh3.ALLOWED_TAGS) | {
    "figure",
    "figcaption",
    "picture",
    "source",
    "sup",
    "sub",
    "dl",
    "dt",
    "dd",
    "abbr",
    "hr",
    "details",
    "summary",
    "mark",
    "time",
    "cite",
    "small",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "table",
}
SANITIZE_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang", "name"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
    "source": {"src", "srcset", "type", "media", "sizes"},
    "time": {"datetime"},
    "abbr": {"title"},
    "th": {"style", "align", "colspan", "rowspan", "scope"},
    "td": {"style", "align", "colspan", "rowspan"},
    "ol": {"start", "type", "reversed"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
_TABLE_ALIGN = re.compile(r"text-align: (?:left|right|center);?")


class MarkdownTimeout(Exception):
    """Converting a body (a live blog's text and all its updates together) took longer than the time limit."""


class MarkdownRenderer:
    """A reusable Python-Markdown converter (reset between documents)."""

    def __init__(
        self,
        sanitize: bool = False,
        time_limit: float | None = None,
        extensions: tuple[type[_markdown.Extension], ...] = (),
    ) -> None:
        self._extensions = extensions  # more Python-Markdown extensions, classes: each converter gets new ones
        self._md = new_markdown(extensions)
        self.sanitize = sanitize
        self.time_limit = time_limit

    def render(self, text: str) -> str:
        """Return the safe HTML for one article body; raise MarkdownTimeout past the time limit."""
        self._md.reset()
        try:
            with time_limit(self.time_limit):
                body = self._md.convert(text)
                if self.sanitize:
                    body = sanitize_html(body)
                return with_embeds(neutralise_urls(body))
        except BaseException:
            # Interrupted halfway, the converter's state is unknown: the next document gets a fresh one.
            self._md = new_markdown(self._extensions)
            raise


def new_markdown(more: tuple[type[_markdown.Extension], ...] = ()) -> _markdown.Markdown:
    return _markdown.Markdown(
        extensions=[
            *EXTENSIONS,
            SmartyExtension(),
            FastInlineExtension(),
            FiguresExtension(),
            *(extension() for extension in more),
        ],
        output_format="html",
    )


def time_limit(seconds: float | None) -> AbstractContextManager[None]:
    """Raise MarkdownTimeout in the block after `seconds`, or when an enclosing limit (the story's) runs out.

    Python-Markdown is pure Python and the regex engine checks for signals, so SIGALRM interrupts even a
    runaway regex (broadsheet/deadline.py).
    """
    return deadline.time_limit(seconds, lambda: MarkdownTimeout(f"took longer than {seconds:g} s"))


def is_dangerous_url(value: str) -> bool:
    """Tell whether an attribute value, as the browser will read it, is a script-running URL."""
    url = _URL_STRIPPED.sub("", html.unescape(value)).lstrip("".join(map(chr, range(0x21)))).lower()
    if url.startswith(("javascript:", "vbscript:", "livescript:")):
        return True
    if url.startswith("data:"):
        return not _SAFE_DATA.match(url[5:].lstrip())
    return False


def neutralise_urls(body: str) -> str:
    """Point every javascript:, vbscript: or HTML data: attribute value at about:invalid, in any spelling."""
    out: list[str] = []
    done = 0
    for m in _iter_values(body):
        group = "dq" if m.group("dq") is not None else "sq" if m.group("sq") is not None else "uq"
        start, end = m.span(group)
        value = m.group(group)
        # No scheme without a ':' (or an entity spelling one): most values are skipped without decoding.
        if start < done or (":" not in value and "&" not in value) or not is_dangerous_url(value):
            continue
        out.append(body[done:start])
        out.append(BLOCKED_URL)
        done = end
    out.append(body[done:])
    return "".join(out)


def _iter_values(body: str) -> Iterator[re.Match[str]]:
    """Yield the value after every '=' in the text, overlapping matches included."""
    pos = body.find("=")
    while pos != -1:
        m = _VALUE.match(body, pos)
        if m:
            yield m
        pos = body.find("=", pos + 1)


def sanitize_html(body: str) -> str:
    """Keep only an allow-list of tags, attributes and URL schemes (for copy from untrusted hands)."""
    return nh3.clean(
        body,
        tags=set(SANITIZE_TAGS),
        attributes={k: set(v) for k, v in SANITIZE_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto", "tel"},
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Tables from Markdown align cells with style; no other inline style gets through.
    if attribute == "style":
        return value if _TABLE_ALIGN.fullmatch(value) else None
    return value


def first_paragraph_text(body_html: str) -> str:
    """Return the plain text of the first paragraph of rendered HTML, or ''."""
    # str.find, not a lazy regex: the regex retried from every "<p>" and was quadratic without a "</p>".
    start = body_html.find("<p>")
    end = body_html.find("</p>", start + 3) if start != -1 else -1
    if end == -1:
        return ""
    return " ".join(html.unescape(_TAG.sub("", body_html[start + 3 : end])).split())
