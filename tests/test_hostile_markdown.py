"""Markdown bodies: raw HTML allowed, script URLs neutralised in any spelling, an allow-list on request, a time limit."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_support import Attributes, built, refused, runs_script
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from PIL import Image
from support import NOW, REPO, article, build, read, run, write_site

SPELLINGS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "&#x01;javascript:alert(1)",
    "&#32;&#x0B;javascript:alert(1)",
    "java&#x09;script:alert(1)",
    "java&Tab;script:alert(1)",
    "java&NewLine;script:alert(1)",
    "&#106;avascript:alert(1)",
    "&#0000106avascript:alert(1)",
    "&#x6A&#x61&#x76&#x61script:alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "vbscript:msgbox(1)",
    "VBScript&colon;msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:TEXT/HTML,x",
    "data:image/svg+xml,<svg onload=alert(1)>",
]


def story_body(page: str) -> str:
    return page.split('<div class="story-body">', 1)[1].split("</div>", 1)[0]


PLACES = [
    "[click]({url})",
    "[click][ref]\n\n[ref]: {url}",
    '<a href="{url}">click</a>',
    "<a href='{url}'>click</a>",
    '<img src="{url}" alt="">',
    '<iframe src="{url}"></iframe>',
    '<form action="{url}"><button formaction="{url}">go</button></form>',
    '<svg><a xlink:href="{url}"><text>x</text></a></svg>',
    '<object data="{url}"></object>',
    '<a title="x=" href="{url}">tricky quoting</a>',
]


@pytest.mark.parametrize("url", SPELLINGS)
def test_script_urls_are_neutralised_in_every_spelling_and_place(tmp_path, url):
    body = "\n\n".join(place.format(url=url) for place in PLACES)
    site = write_site(tmp_path / "site", {"content/national/x.md": article("Links", body=body)})
    assert build(site) == 0
    body = story_body(read(site, "/national/x/"))
    parsed = Attributes(body)
    assert {"a", "img", "iframe", "form", "button", "svg", "object"} <= set(parsed.tags), "elements stay"
    assert not [v for v in parsed.values if runs_script(v[2])], body


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 60)).save(out, "PNG")
    return out.getvalue()


def test_raw_html_embeds_are_kept_by_default(tmp_path):
    embed = (
        '<blockquote class="twitter-tweet"><p>Tide is high</p></blockquote>\n'
        '<script async src="https://platform.twitter.com/widgets.js"></script>\n\n'
        '<iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/abc" allowfullscreen></iframe>\n\n'
        "[safe link](https://example.org/a?b=c) and ![chart](/images/chart.png) and "
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">'
    )
    # A body image on this site must exist: it is resized like a lead image.
    site = write_site(
        tmp_path / "site",
        {"content/national/x.md": article("Embeds", body=embed), "static/images/chart.png": png(40, 20)},
    )
    assert build(site) == 0
    body = story_body(read(site, "/national/x/"))
    assert '<script async src="https://platform.twitter.com/widgets.js"></script>' in body
    assert 'src="https://www.youtube-nocookie.com/embed/abc"' in body
    assert 'href="https://example.org/a?b=c"' in body and 'src="/images/chart.png"' in body
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in body
    assert "about:invalid" not in body


def sanitized_site(tmp_path: Path, body: str) -> Path:
    site = write_site(tmp_path / "site", {"content/national/x.md": article("Wire copy", body=body)})
    (site / "site.toml").write_text((site / "site.toml").read_text() + "sanitize = true\n")
    return site


def test_sanitize_passes_bodies_through_an_allow_list(tmp_path, capsys):
    body = (
        '<script>alert(1)</script><iframe src="https://evil.example/"></iframe>\n\n'
        '<p onclick="alert(2)" style="position:fixed;inset:0">Hello <b onmouseover="x">there</b></p>\n\n'
        '<a href="javascript:alert(3)">bad</a> <a href="https://ok.example/">good</a>\n\n'
        '<form action="https://evil.example/"><input name="password"></form><style>body{display:none}</style>\n\n'
        "| left | right |\n|:-----|------:|\n| 1    | 2     |\n\nA claim.[^1]\n\n[^1]: The source."
    )
    site = sanitized_site(tmp_path, body)
    built(tmp_path, site / "public", capsys, "--site", site)
    out = story_body(read(site, "/national/x/"))
    parsed = Attributes(out)
    assert not {"script", "iframe", "form", "input", "style"} & set(parsed.tags)
    assert not [a for a in parsed.values if a[1].startswith("on") or (a[1] == "style" and "position" in a[2])]
    assert not [a for a in parsed.values if runs_script(a[2])]
    assert "alert(1)" not in out and "display:none" not in out
    assert 'href="https://ok.example/"' in out and "<b>there</b>" in out
    assert '<th style="text-align: left;">left</th>' in out and '<td style="text-align: right;">2</td>' in out
    assert 'class="footnote-ref"' in out and 'id="fn:1"' in out


def test_sanitize_must_be_true_or_false(tmp_path, capsys):
    site = write_site(tmp_path / "site", {"content/national/x.md": article("X")})
    (site / "site.toml").write_text((site / "site.toml").read_text() + 'sanitize = "yes"\n')
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert "site.toml:7: 'sanitize' must be a true or false, not str" in err


def test_markdown_that_runs_too_long_is_reported_within_the_time_limit(tmp_path, capsys):
    # Slow by its size, on any release of any library: a few hundred kilobytes of paragraphs, links and
    # emphasis take far longer than 50 ms to convert, while the short story converts in time.
    paragraph = "A [link](https://x.example/{n}) with *emphasis*, `code` and **more** in paragraph {n}."
    long_body = "\n\n".join(paragraph.format(n=n) for n in range(8000))
    site = write_site(
        tmp_path / "site",
        {"content/national/ok.md": article("Fine"), "content/national/slow.md": article("Very long", body=long_body)},
    )
    (site / "site.toml").write_text((site / "site.toml").read_text() + "markdown_time_limit = 0.05\n")
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert f"{site / 'content/national/slow.md'}: Markdown took longer than 0.05 s to convert" in err
    assert "ok.md" not in err


def test_a_live_blog_is_stopped_at_the_time_limit_of_the_whole_story(tmp_path, capsys):
    """The limit was per update: 60 000 updates of a tenth of a millisecond each were never stopped."""
    updates = "".join(f"## {n // 60 % 24:02d}:{n % 60:02d} Update\n\nText {n}.\n\n" for n in range(60_000))
    site = write_site(
        tmp_path / "site",
        {
            "content/national/ok.md": article("Fine"),
            "content/national/live.md": article("Live", body="Intro.\n\n" + updates, live="true"),
        },
    )
    # Each update converts some thousand times faster than the limit; all of them take seconds.
    (site / "site.toml").write_text((site / "site.toml").read_text() + "markdown_time_limit = 0.2\n")
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert (
        f"{site / 'content/national/live.md'}: Markdown took longer than 0.2 s to convert; split the live blog" in err
    )
    assert "ok.md" not in err and err.count("took longer") == 1


def test_a_live_blog_with_many_headings_in_a_code_block_is_split_in_linear_time(tmp_path, capsys):
    """Fence lines were counted again before every heading: 60 000 headings inside a code block took minutes."""
    code = "```\n" + "## 10:42 Not an update\n" * 60_000 + "```\n"
    body = f"Intro.\n\n## 09:00 Opening\n\nFirst.\n\n{code}\n## 09:30 Second\n\nMore.\n"
    site = write_site(tmp_path / "site", {"content/national/live.md": article("Live", body=body, live="true")})
    # Within the limit, a linear split takes well under a second; the quadratic one ran past it.
    (site / "site.toml").write_text((site / "site.toml").read_text() + "markdown_time_limit = 60\n")
    assert run("check", "--site", site, "--now", NOW) == 0, capsys.readouterr().err


@pytest.mark.slow
def test_a_limit_inside_another_never_outlasts_it():
    from broadsheet.deadline import time_limit

    class Outer(Exception):
        pass

    class Inner(Exception):
        pass

    with pytest.raises(Outer), time_limit(0.2, Outer), time_limit(60, Inner):  # the story's limit runs out first
        while True:
            pass
    with pytest.raises(Outer), time_limit(0.3, Outer):
        with pytest.raises(Inner), time_limit(0.05, Inner):
            while True:
                pass
        while True:  # the enclosing limit is set again when the inner one ends
            pass


def test_markdown_that_once_crashed_the_parser_builds(tmp_path, capsys):
    body = "<![" * 50 + "\n\n<![CDATA[ x ]]>\n\n<!-- <![ -->\n\n`<![`"
    site = write_site(tmp_path / "site", {"content/national/x.md": article("Odd markup", body=body)})
    built(tmp_path, site / "public", capsys, "--site", site)
    assert "Odd markup" in read(site, "/national/x/")


class Spin(Preprocessor):
    """A preprocessor that never returns on a document holding SPIN: slow by construction, on any release."""

    def run(self, lines: list[str]) -> list[str]:
        while any("SPIN" in line for line in lines):
            pass
        return lines


class SpinExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        md.preprocessors.register(Spin(md), "spin", 100)


def test_a_story_after_a_timed_out_one_converts_normally(tmp_path):
    from broadsheet.load.markdown import MarkdownRenderer, MarkdownTimeout

    renderer = MarkdownRenderer(time_limit=0.2, extensions=(SpinExtension,))
    with pytest.raises(MarkdownTimeout):
        renderer.render("SPIN")
    # The interrupted converter is replaced by a fresh one (the extension included), which converts normally.
    assert renderer.render("A [link](https://x.example) and *more*.") == (
        '<p>A <a href="https://x.example">link</a> and <em>more</em>.</p>'
    )
    with pytest.raises(MarkdownTimeout):
        renderer.render("SPIN again")


@pytest.mark.parametrize(
    "body", ["=" * 300_000, "=a" * 150_000, "='" + "=x" * 150_000], ids=["eq", "eq-a", "quote-eq-x"]
)
def test_long_runs_of_equals_signs_are_not_quadratic(tmp_path, capsys, body):
    """Each '=' starts a possible attribute value; a scan that read to the end from each took minutes."""
    site = write_site(tmp_path / "site", {"content/national/x.md": article("Equals", body=body)})
    (site / "site.toml").write_text((site / "site.toml").read_text() + "markdown_time_limit = 30\n")
    # `check` converts every body inside the time limit and writes nothing (the search indexer, not ours,
    # would spend its own time on such a page); the quadratic scan took minutes and failed here.
    assert run("check", "--site", site, "--now", NOW) == 0, capsys.readouterr().err


@pytest.mark.slow
def test_unclosed_paragraph_tags_are_not_quadratic(tmp_path, capsys):
    """The summary is the first <p>…</p>; a lazy regex retried from each of 100 000 '<p>' and never ended."""
    site = write_site(tmp_path / "site", {"content/national/x.md": article("Paragraphs", body="<p>" * 100_000)})
    # A real process with a generous bound, so a regression fails the test instead of hanging the suite.
    # `check` reads and renders everything but writes nothing: the search indexer (not ours) is slow on this.
    proc = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "check", "--site", str(site), "--now", NOW],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
