"""Property tests and a short fuzz run: whatever the front matter or body, the build either succeeds with
escaped output or fails with `path:line: message` lines; never a traceback, never a file outside the output."""

from __future__ import annotations

import random
import re
from datetime import UTC, timedelta, timezone
from pathlib import Path

import markupsafe
import pytest
import yaml
from hostile_support import Attributes, fingerprint, outside, runs_script
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import NOW, article, run, write_site

from broadsheet.errors import Problem
from broadsheet.load.article import Article
from broadsheet.load.config import load_config
from broadsheet.load.markdown import MarkdownRenderer
from broadsheet.load.reader import KNOWN_FIELDS, read_article

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FILE = "content/national/x.md"


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    """One site for all examples; each example rewrites one article and builds over the last output."""
    root = tmp_path_factory.mktemp("world")
    write_site(root / "site", {"content/sports/other.md": article("Another story", "Sports")})
    (root / "bystander.txt").write_text("leave me alone")
    return root


def build_with(world: Path, capsys, text: str | bytes) -> tuple[int, str]:
    """Write the article, build, and check the promises that hold whatever happens."""
    site = world / "site"
    (site / FILE).parent.mkdir(parents=True, exist_ok=True)
    (site / FILE).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    before = fingerprint(world)
    capsys.readouterr()
    code = run("build", "--site", site, "--now", NOW)
    err = capsys.readouterr().err
    assert code in (0, 1), err
    assert "Traceback" not in err
    after = fingerprint(world)
    if code == 0:
        assert outside(after, "site/public") == outside(before, "site/public"), "wrote outside the output"
        assert not [k for k in after if k.startswith("site/.public")], "left a temporary folder"
    else:
        assert after == before, "a failed build changed files"
        lines = err.strip().splitlines()
        assert lines[-1].startswith("broadsheet: ") and "nothing was written" in lines[-1]
        pattern = re.compile(re.escape(str(site / FILE)) + r":\d+(:\d+)?: \S")
        for line in lines[:-1]:
            assert pattern.match(line), f"not a path:line: message line: {line!r}"
    return code, err


def page_is_safe(html: str) -> None:
    parsed = Attributes(html)
    assert not [a for a in parsed.values if a[1].startswith("on")]
    assert not [a for a in parsed.values if runs_script(a[2])]


def front_matter(fields: dict) -> str:
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False) + "---\nBody text.\n"


BASE = {"title": "T", "section": "National", "author": "Ann", "date": "2026-02-01 09:00"}
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.dates(),
    st.datetimes(timezones=st.just(UTC)),
    st.binary(max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
keys = st.sampled_from(KNOWN_FIELDS) | st.text(min_size=1, max_size=12)


@pytest.mark.slow
@SETTINGS
@given(extra=st.dictionaries(keys, values, max_size=6), drop=st.sets(st.sampled_from(sorted(BASE))))
def test_any_front_matter_mapping_builds_or_is_reported(world, capsys, extra, drop):
    fields = {k: v for k, v in BASE.items() if k not in drop} | extra
    code, _ = build_with(world, capsys, front_matter(fields))
    if code == 0:
        page_is_safe((world / "site/public/index.html").read_text())


@pytest.mark.slow
@SETTINGS
@given(title=st.text(max_size=60))
def test_any_title_is_shown_escaped_or_reported(world, capsys, title):
    code, err = build_with(world, capsys, front_matter({**BASE, "title": title}))
    if code == 0:
        page = (world / "site/public/national/x/index.html").read_bytes().decode()  # keep any \r as written
        as_yaml_reads_it = yaml.safe_load(yaml.safe_dump(title, allow_unicode=True))  # YAML folds NEL, U+2028
        shown = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", as_yaml_reads_it).strip()  # controls dropped
        assert f"<h1>{markupsafe.escape(shown)}</h1>" in page
        page_is_safe(page)
    else:
        assert "'title'" in err


@pytest.mark.slow
@SETTINGS
@given(slug=st.text(max_size=30) | st.sampled_from(["../x", "%2e%2e%2f", "/abs", "a\\b", "a\0b", "..", "CON", "nul"]))
def test_any_slug_stays_inside_the_output_or_is_reported(world, capsys, slug):
    code, err = build_with(world, capsys, front_matter({**BASE, "slug": slug}))
    if code == 0:
        files = [p for p in (world / "site/public").rglob("*") if p.is_file()]
        assert all(p.resolve().is_relative_to((world / "site/public").resolve()) for p in files)
        assert len([p for p in files if p.parent.parent.name == "national"]) == 1
    else:
        assert "'slug'" in err


@pytest.mark.slow
@SETTINGS
@given(
    when=st.text(max_size=30)
    | st.dates()
    | st.datetimes()
    | st.integers()
    | st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=12))]))
)
def test_any_date_is_read_or_reported(world, capsys, when):
    code, err = build_with(world, capsys, front_matter({**BASE, "date": when}))
    if code == 1:
        assert "'date'" in err


TOKENS = [
    "---",
    "\n",
    "[",
    "]",
    "(",
    ")",
    "<![",
    "<",
    ">",
    "&#106;",
    "javascript:",
    "&colon;",
    "*",
    "_",
    "`",
    "!",
    '"',
    "'",
    ":",
    "- ",
    "#",
    "&",
    "\ufeff",
    "\r\n",
    "\x00",
    "{",
    "}",
    "&a",
    "*a",
    "!!python/name:os.system",
    "<a href=",
    "<script>",
    "</script>",
    "=",
    "data:text/html,",
    "\\",
    "|",
    "[^1]",
    "    ",
    "\t",
    "\xe9",
    "é",
]


def mutate(rng: random.Random, data: str) -> str:
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(data))
        kind = rng.random()
        if kind < 0.5:
            data = data[:at] + rng.choice(TOKENS) * rng.choice((1, 1, 1, 3, 50)) + data[at:]
        elif kind < 0.8:
            data = data[:at] + data[at + rng.randint(1, 10) :]
        else:
            other = rng.randint(0, len(data))
            data = data[:at] + data[other : other + rng.randint(1, 40)] + data[at:]
    return data


@pytest.mark.slow
def test_fuzz_front_matter_and_markdown_never_crash(tmp_path):
    """A seeded fuzz of read_article, the same 400 cases every run: each becomes an Article with safe HTML or
    Problems."""
    site = write_site(tmp_path / "site", {})
    config = load_config(site / "site.toml")
    renderer = MarkdownRenderer(time_limit=2)
    seeds = [
        article("Seed", body="Para with [a link](https://x.example) and *emphasis*.\n\n> quote\n\n- one\n- two"),
        article(
            "Seed", tags="[a, b]", summary="'s'", body="<a href='https://x'>raw</a>\n\n| a | b |\n|---|---|\n| 1 | 2 |"
        ),
        "---\ntitle: T\nsection: National\nauthor: [A, B]\ndate: 2026-02-01T09:00:00Z\n---\n```\ncode\n```\n\n[^1]\n\n[^1]: n",
    ]
    rng = random.Random(20260212)
    path = site / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(400):
        text = mutate(rng, rng.choice(seeds))
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        result = read_article(path, config, renderer)
        if isinstance(result, Article):
            assert not [a for a in Attributes(result.body_html).values if runs_script(a[2])], text
        else:
            assert result and all(isinstance(p, Problem) and p.path == path and p.message for p in result), text
