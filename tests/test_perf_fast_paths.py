"""The fast paths give exactly what the slow ones do.

- Our smart-punctuation pass, and our inline pass that skips patterns which cannot match, give the HTML of
  stock Python-Markdown with its own `smarty` extension.
- Front matter read by libyaml gives the same fields, lines and problems as the pure-Python loader.
"""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.inlinepatterns import LinkInlineProcessor

from broadsheet.load import frontmatter
from broadsheet.load.figures import FiguresExtension
from broadsheet.load.inline import bracket_ends
from broadsheet.load.markdown import MarkdownRenderer, new_markdown

# Pieces that exercise every smarty rule, and the Markdown around quotes that changes the text nodes.
PIECES = [
    "'",
    '"',
    "-",
    ".",
    " ",
    "a",
    "s",
    "1",
    "9",
    "\n",
    "*",
    "_",
    "`",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "&",
    "!",
    "?",
    ",",
    ";",
    ":",
    "\\",
    "--",
    "---",
    "...",
    "....",
    "'s",
    "'80s",
    "&nbsp;",
    "&mdash;",
    "&#8211;",
    "–",
    "—",
    "<em>x</em>",
    "`c'`",
    "word",
    "\n\n    code 'x'\n\n",
    "> ",
    "\n\n",
    "[l](u 'title')",
    "**b**",
    "\u00a0",
    "\n- item\n",
    "| a | b |\n|---|---|\n| 'c' | \"d\" |\n",
    "[^1]\n\n[^1]: 'note'\n",
    # inline syntax, for the pass that skips patterns whose trigger characters are absent
    "<http://x.example/a>",
    "<a@b.example>",
    "  \n",
    "&amp;",
    "&#169;",
    "\\*",
    "\\`",
    "![i](/s.png)",
    "[r][1]\n\n[1]: /u\n",
    "[r]",
    "***x***",
    "__b__",
    "_e_",
    "<span>h</span>",
    "<!-- c -->",
    "``a`b``",
    "{: .c }",
    "*[HTML]: Hyper\n",
    "HTML",
]


def reference(text: str) -> str:
    # Python-Markdown's own smarty and inline processor, with our one extension that is not a drop-in (figures).
    return markdown.markdown(
        text, extensions=["extra", "sane_lists", "smarty", FiguresExtension()], output_format="html"
    )


@pytest.mark.slow
@settings(max_examples=2500, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_same_html_as_smarty_for_any_text(text):
    md = new_markdown()
    assert md.convert(text) == reference(text)


def test_quotes_dashes_and_ellipses_are_educated_and_code_is_left_alone():
    text = "\"Rates won't rise,\" she said -- in the '90s... 'twas --- `don't \"touch\"`\n\n    code 'x' -- y\n"
    html = MarkdownRenderer().render(text)
    assert html == reference(text)
    assert "&ldquo;Rates won&rsquo;t rise,&rdquo;" in html
    assert "&ndash;" in html and "&mdash;" in html and "&hellip;" in html and "&rsquo;90s" in html
    assert '<code>don\'t "touch"</code>' in html.replace("&quot;", '"')
    assert "code 'x' -- y" in html


YAML_PIECES = [
    "title",
    ":",
    " ",
    "\n",
    "  ",
    "- ",
    "'",
    '"',
    "[",
    "]",
    "{",
    "}",
    ",",
    "#",
    "&a",
    "*a",
    "!!str",
    "!!int",
    "2024-01-02",
    "T10:00:00Z",
    "12",
    "yes",
    "~",
    "|",
    ">",
    "\t",
    "é",
    "\u2028",
    "\x85",
    "\\",
    "x",
    "? ",
    "---",
    "...",
    "%",
    "@",
    "`",
    "\ufeff",
    "0x1F",
    "1e3",
    ".inf",
    "<<: *a",
    "\r",
    "|-",
    ">+2",
    "date: ",
    "\ntags: ",
]


def read_slowly(fm: str):
    saved, frontmatter._CSafeLoader = frontmatter._CSafeLoader, None
    try:
        return frontmatter.parse_yaml_fields(Path("a.md"), fm)
    finally:
        frontmatter._CSafeLoader = saved


def test_libyaml_is_there_so_the_fast_path_is_taken():
    assert frontmatter._CSafeLoader is not None
    assert frontmatter._fast_compose('title: "A"\ntags: [a, b]\n') is not None


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(YAML_PIECES), min_size=1, max_size=30).map("".join))
def test_front_matter_reads_the_same_with_libyaml(fm):
    assert repr(frontmatter.parse_yaml_fields(Path("a.md"), fm)) == repr(read_slowly(fm))


@pytest.mark.parametrize(
    "fm",
    [
        'title: "Rates rise"\ndate: 2024-03-01T09:30:00-05:00\ntags: [economy, "rates"]\nsummary: >\n  Two lines\n  folded\n',
        "title: x\ntitle: y\n",
        "title: [unclosed\n",
        "a: &x [1, 2]\nb: *x\n",
    ],
)
def test_typical_and_broken_front_matter_reads_the_same(fm):
    assert repr(frontmatter.parse_yaml_fields(Path("a.md"), fm)) == repr(read_slowly(fm))


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.text(alphabet="[]a!()\\", max_size=40))
def test_where_each_bracket_closes_is_found_as_python_markdown_finds_it(text):
    assert bracket_ends(text) == LinkInlineProcessor._findBracketEnds(text)
