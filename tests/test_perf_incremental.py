"""Incremental builds equal clean full builds, byte for byte, after any sequence of edits."""

from __future__ import annotations

import copy
import json
import os
import tempfile
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import article, clean_build, tree_snapshot, write_site

from broadsheet import pipeline, urls
from broadsheet.load import sources as sources_module
from broadsheet.options import BuildOptions
from broadsheet.output import folder as output_module
from broadsheet.plan import search as search_plan_module
from broadsheet.preview.session import Session
from broadsheet.render import draw as render_module
from broadsheet.run import build_with_cache

NOW = datetime.fromisoformat("2026-02-12T12:00:00-08:00")
SECTIONS = ["National", "Sports", "Arts & Culture"]
AUTHORS = ["Ann Writer", "Bo Reporter", "Cy Editor"]
TAGS = ["Weather", "Budget", "Transit"]
WORDS = ["rain", "council", "vote", "match", "gallery", "budget", "bridge", "storm"]
# Dates around NOW, some in the future, some on the previous day, one exactly at NOW.
DATES = [NOW + timedelta(hours=h) for h in (-50, -30, -20, -5, -1, 0, 1, 3, 30)]
NOWS = [NOW, NOW + timedelta(hours=2), NOW + timedelta(hours=13), NOW - timedelta(hours=25)]

# Theme variants: one reads bodies in a sidebar, one shows the exact clock, one adds a partial.
TEMPLATE_EDITS = {
    "templates/partials/card.html": [
        "<div class=card><a href=\"{{ item.url }}\">{{ item.title }}</a> {{ item.authors|join(', ') }}</div>\n",
        "<div class=card>{{ item.title }} {{ item.body_html|length }}</div>\n",
    ],
    "templates/partials/ad.html": [
        "<p class=ad>Ad {{ site.now|isodate }}</p>\n",
        "<p class=ad>{% include 'partials/extra.html' %}</p>\n",
    ],
    "templates/partials/extra.html": ["<em>extra {{ site.title }}</em>\n", "<em>other</em>\n"],
    "templates/article.html": None,  # appended to: a change to the page template itself
}
# data/results.csv, which the site's tags.html reads (None: the file is deleted), and content/pages/about.md.
DATA_EDITS = ["team,score\nHerons,3\n", "team,score\nHerons,4\nGulls,1\n", None]
PAGE_EDITS = [
    "---\ntitle: About us\n---\nWho we are.\n",
    "---\ntitle: About the paper\n---\nWho we are.\n",
    "---\ntitle: About us\n---\nWhat we do.\n",
    None,
]
# data/authors.toml: none; a profile; Bo Reporter as another spelling of Ann Writer (one author page for both).
PROFILE_EDITS = [
    None,
    '["Ann Writer"]\nrole = "Reporter"\nbio = "Ann covers the council."\n',
    '["Ann Writer"]\nrole = "Editor"\nnames = ["Bo Reporter"]\nlinks = ["https://social.example/@ann"]\n',
]
TAGS_PAGE = (
    '{% extends "base.html" %}{% block main %}<h1>Topics</h1>'
    "{% for row in site.data.results %}<p>{{ row.team }} {{ row.score }}</p>{% endfor %}{% endblock %}\n"
)
SITE_TOMLS = [
    (
        'title = "The Test Gazette"\nbase_url = "https://gazette.example"\ntimezone = "America/Vancouver"\n'
        'sections = ["National", "Sports", "Arts & Culture"]\nper_page = 3\nmore_from = 2\nsearch = false\n'
    ),
    (
        'title = "The Other Gazette"\nbase_url = "https://other.example"\ntimezone = "America/Toronto"\n'
        'sections = ["National", "Sports", "Arts & Culture"]\nper_page = 2\nmore_from = 3\n'
    ),
]

names = st.sampled_from([f"story-{i}" for i in range(8)])
edit = st.one_of(
    st.tuples(st.just("add"), names, st.sampled_from(SECTIONS), st.sampled_from(DATES), st.sampled_from(WORDS)),
    st.tuples(st.just("delete"), names),
    st.tuples(st.just("rename"), names, names),
    st.tuples(st.just("body"), names, st.sampled_from(WORDS)),
    st.tuples(st.just("title"), names, st.sampled_from(WORDS)),
    st.tuples(st.just("summary"), names, st.sampled_from(["", "A summary.", "Another summary."])),
    st.tuples(st.just("date"), names, st.sampled_from(DATES)),
    st.tuples(st.just("section"), names, st.sampled_from(SECTIONS)),
    st.tuples(st.just("draft"), names),
    st.tuples(st.just("alias"), names, st.integers(0, 1)),
    st.tuples(st.just("move"), names, st.sampled_from(SECTIONS)),
    st.tuples(st.just("live"), names),
    st.tuples(st.just("featured"), names),
    st.tuples(st.just("priority"), names, st.sampled_from([0, 1, 2])),
    # Hours after the story's date (which keeps it valid): some expire around the clocks in NOWS.
    st.tuples(st.just("expires"), names, st.sampled_from([None, 1, 3, 20.5, 26])),
    st.tuples(st.just("breaking"), names, st.sampled_from([None, 1, 2, 21.5, 40])),
    st.tuples(st.just("template"), st.sampled_from(sorted(TEMPLATE_EDITS)), st.integers(0, 1)),
    st.tuples(st.just("config"), st.integers(0, 1)),
    st.tuples(st.just("includes"), st.sampled_from(["client", "ssi", "esi", "static"])),
    st.tuples(st.just("correction"), names),
    st.tuples(st.just("static"), st.sampled_from(["img/a.png", "img/b.png", "files/notes.txt"])),
    st.tuples(st.just("now"), st.sampled_from(NOWS)),
    st.tuples(st.just("data"), st.integers(0, len(DATA_EDITS) - 1)),
    st.tuples(st.just("page"), st.integers(0, len(PAGE_EDITS) - 1)),
    st.tuples(st.just("profiles"), st.integers(0, len(PROFILE_EDITS) - 1)),
)


class Story:
    """The fields of one article file, so edits can rewrite it."""

    def __init__(self, section: str, date: datetime, word: str, n: int):
        self.title, self.section, self.date, self.draft = f"The {word} story", section, date, False
        self.body = f"First paragraph about {word}.\n\nMore on {word}."
        self.summary = "" if n % 2 else f"Summary of {word}."  # a given summary hides body edits from cards
        self.author, self.tags = AUTHORS[n % 3], TAGS[n % 3]
        self.slug, self.aliases, self.live = "", [], False
        self.featured, self.priority = False, 0
        self.expires: float | None = None  # hours after `date`
        self.breaking: float | None = None  # hours after `date`
        self.corrections = 0  # dated corrections, an hour apart after `date`

    def url(self, name: str) -> str:
        return urls.article(urls.slugify(self.section), self.slug or name)

    def text(self) -> str:
        extra = {"tags": f"[{self.tags}]"}
        if self.slug:
            extra["slug"] = self.slug
        if self.aliases:
            extra["aliases"] = json.dumps(self.aliases)
        if self.summary:
            extra["summary"] = repr(self.summary)
        if self.draft:
            extra["draft"] = "true"
        if self.featured:
            extra["featured"] = "true"
        if self.priority:
            extra["priority"] = str(self.priority)
        if self.expires is not None:
            extra["expires"] = (self.date + timedelta(hours=self.expires)).isoformat()
        if self.breaking is not None:
            extra["breaking"] = (self.date + timedelta(hours=self.breaking)).isoformat()
        if self.corrections:
            extra["corrections"] = json.dumps(
                [
                    {"date": (self.date + timedelta(hours=i + 1)).isoformat(), "text": f"Fix {i}."}
                    for i in range(self.corrections)
                ]
            )
        body = self.body
        if self.live:  # ends an hour after NOW (or after its date): some clocks find it running, some ended
            extra.update(live="true", live_until=(max(self.date, NOW) + timedelta(hours=1)).isoformat())
            body += f"\n\n## 10:42 {self.title} goes on\n\nMore.\n\n## 09:05 It starts\n\nFirst.\n"
        return article(self.title, self.section, self.author, self.date.isoformat(), body, **extra)


def edit_story(stories: dict[str, Story], step: tuple) -> None:
    """Apply an edit that can change a story's URL or aliases to the stories in memory."""
    kind, name, *args = step
    story = stories.get(name)
    if kind == "add":
        section, date, word = args
        stories.setdefault(name, Story(section, date, word, len(stories)))
    elif story is None:
        return
    elif kind == "rename" and args[0] not in stories:
        stories[args[0]] = stories.pop(name)
    elif kind == "section":
        story.section = args[0]
    elif kind == "alias":  # added, or taken away again
        alias = f"/old/{name}-{args[0]}/"
        story.aliases = [a for a in story.aliases if a != alias] if alias in story.aliases else [*story.aliases, alias]
    elif kind == "move":  # as `broadsheet move` does: a new section and slug, the old URL kept as an alias
        old = story.url(name)
        story.section, story.slug = args[0], f"{name}-in-{urls.slugify(args[0])}"
        story.aliases = [a for a in [*story.aliases, old] if a != story.url(name)]


def clashes(stories: dict[str, Story]) -> bool:
    """Tell whether two stories would want one URL (as a URL or an alias): an error, not an edit to compare."""
    wanted = [u for name, s in stories.items() for u in (s.url(name), *s.aliases)]
    return len(wanted) != len(set(wanted))


def apply(site: Path, stories: dict[str, Story], step: tuple) -> tuple[Path, datetime | None]:
    """Apply one edit to the site on disk; return the path touched and the new clock, if any."""
    kind, *args = step
    now = None
    if kind in ("add", "rename", "section", "alias", "move"):
        trial = copy.deepcopy(stories)
        edit_story(trial, step)
        if clashes(trial):
            return site / "content" / f"{args[0]}.md", None
    if kind == "add":
        name, section, date, word = args
        stories.setdefault(name, Story(section, date, word, len(stories)))
        path = site / "content" / f"{name}.md"
    elif kind in ("data", "page", "profiles"):
        path = (
            site / {"data": "data/results.csv", "page": "content/pages/about.md", "profiles": "data/authors.toml"}[kind]
        )
        text = {"data": DATA_EDITS, "page": PAGE_EDITS, "profiles": PROFILE_EDITS}[kind][args[0]]
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return path, None
    elif kind in ("template", "config", "static", "now", "includes"):
        if kind == "template":
            rel, variant = args
            path = site / rel
            options = TEMPLATE_EDITS[rel]
            text = path.read_text() + "<!-- edited -->\n" if options is None else options[variant]
            path.write_text(text)
            if rel.endswith("extra.html"):  # make sure something includes it, sometimes
                (site / "templates/partials/ad.html").write_text("{% include 'partials/extra.html' %}\n")
        elif kind == "config":
            path = site / "site.toml"
            path.write_text(SITE_TOMLS[args[0]])
        elif kind == "includes":  # the site's own site.toml, with another way of including the live regions
            path = site / "site.toml"
            lines = [line for line in path.read_text().splitlines() if not line.startswith("includes =")]
            path.write_text("\n".join([*lines, f'includes = "{args[0]}"']) + "\n")
        elif kind == "static":
            path = site / "static" / args[0]
            if path.exists():
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b"static " + args[0].encode())
        else:
            path, now = site / "site.toml", args[0]
        return path, now
    else:
        name = args[0]
        path = site / "content" / f"{name}.md"
        story = stories.get(name)
        if story is None:
            return path, None
        if kind == "delete":
            del stories[name]
            path.unlink()
            return path, None
        if kind == "rename":
            new = args[1]
            if new in stories:
                return path, None
            stories[new] = stories.pop(name)
            path.rename(site / "content" / f"{new}.md")
            return site / "content" / f"{new}.md", None
        if kind == "body":
            story.body = f"A new first paragraph on {args[1]}.\n\nStill {args[1]}."
        elif kind == "title":
            story.title = f"The {args[1]} headline"
        elif kind == "summary":
            story.summary = args[1]
        elif kind == "date":
            story.date = args[1]
        elif kind == "section":
            story.section = args[1]
        elif kind == "draft":
            story.draft = not story.draft
        elif kind == "live":
            story.live = not story.live
        elif kind in ("alias", "move"):
            edit_story(stories, step)
        elif kind == "featured":
            story.featured = not story.featured
        elif kind == "priority":
            story.priority = args[1]
        elif kind == "expires":
            story.expires = args[1]
        elif kind == "breaking":
            story.breaking = args[1]
        elif kind == "correction":
            story.corrections += 1
    path.write_text(stories[name].text() if name in stories else "")
    return path, now


def initial_site(root: Path, theme: int, search: bool = True) -> tuple[Path, dict[str, Story]]:
    """Write five stories; `theme` picks the card partial (-1: the repo's own)."""
    stories = {f"story-{i}": Story(SECTIONS[i % 3], DATES[i * 2 % len(DATES)], WORDS[i], i) for i in range(5)}
    files = {f"content/{n}.md": s.text() for n, s in stories.items()}
    files["templates/partials/extra.html"] = "<em>extra</em>\n"
    files["templates/tags.html"] = TAGS_PAGE
    files["data/results.csv"] = DATA_EDITS[0]
    files["content/pages/about.md"] = PAGE_EDITS[0]
    if theme >= 0:
        files["templates/partials/card.html"] = TEMPLATE_EDITS["templates/partials/card.html"][theme]
    site = write_site(root / "site", files)
    if not search:  # no index to rebuild: small changes patch the output in place
        with open(site / "site.toml", "a") as f:
            f.write("search = false\n")
    return site, stories


OLD = 1_000_000_000 * 1_000_000_000  # 2001-09-09, in ns: old enough that stats are trusted


def backdate(path: Path, step: int) -> None:
    """Give a file a distinct mtime far in the past, so builds trust stats instead of re-reading."""
    if path.is_file():
        os.utime(path, ns=(OLD + step * 1_000_000_000, OLD + step * 1_000_000_000))


def check_sequence(
    steps: list[tuple], jobs: int, theme: int = -1, old_files: bool = False, search: bool = True
) -> None:
    """Apply the steps one by one; after each, both kinds of incremental build must equal a full build.

    With old_files, every source gets an old, distinct mtime, which takes the paths that trust
    stats (and the no-change shortcut) instead of those that re-read files changed moments ago.
    """
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site, stories = initial_site(root, theme, search)
        if old_files:
            for path in site.rglob("*"):
                backdate(path, 0)
        opts = BuildOptions(site, root / "live", NOW, jobs=jobs)
        watcher = Session(opts)  # in memory, like serve
        watcher.rebuild()
        build_with_cache(replace(opts, out_dir=root / "public"))  # like a new process each time: the cache on disk
        now = NOW
        for n, step in enumerate(steps, 1):
            path, new_now = apply(site, stories, step)
            now = new_now or now
            if old_files:
                backdate(path, n)
            watcher.rebuild({path}, now=now)
            build_with_cache(replace(opts, out_dir=root / "public", now=now))
            expected = clean_build(site, root, "--jobs", "1", now=now)
            assert tree_snapshot(root / "live") == expected, step
            assert tree_snapshot(root / "public") == expected, step
        watcher.close()


@pytest.fixture
def tiny_thresholds(monkeypatch):
    """Let even tiny sites go through worker processes, so both paths are tested."""
    monkeypatch.setattr(render_module, "PARALLEL_RENDER_MIN", 2)
    monkeypatch.setattr(render_module, "CHUNK", 3)
    monkeypatch.setattr(sources_module, "PARALLEL_PARSE_MIN", 2)
    monkeypatch.setattr(output_module, "PATCH_SHARE", 1)  # patch in place whenever the folder could be
    monkeypatch.setattr(search_plan_module, "SPAN", 3)  # a search index of several shards, re-indexed one by one
    monkeypatch.setattr(search_plan_module, "RECENT_SPAN", 2)


@pytest.mark.slow
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(edit, min_size=1, max_size=5),
    jobs=st.sampled_from([1, 2]),
    theme=st.sampled_from([-1, 0, 1]),
    old_files=st.booleans(),
    search=st.booleans(),
)
def test_incremental_builds_equal_full_builds(tiny_thresholds, steps, jobs, theme, old_files, search):
    check_sequence(steps, jobs, theme, old_files, search)


@pytest.mark.slow
def test_worker_processes_render_the_same_bytes(tiny_thresholds, forks):
    check_sequence(
        [("title", "story-1", "storm"), ("template", "templates/partials/card.html", 1), ("body", "story-2", "vote")],
        jobs=2,
    )
    assert forks, "no worker process was started"


# Each kind of change on its own, with whether a build may edit the last plan instead of planning anew.
KINDS = {
    "body": ([("body", "story-1", "storm")], True),
    "headline": ([("title", "story-1", "storm")], True),
    "summary": ([("summary", "story-2", "Another summary.")], True),
    "clock, no story going live": ([("now", NOW + timedelta(minutes=30))], True),
    "clock, a story going live": ([("now", NOW + timedelta(hours=2))], False),
    "clock, the next day": ([("now", NOW + timedelta(hours=13))], False),
    "template": ([("template", "templates/partials/card.html", 1)], True),
    "template the page extends": ([("template", "templates/article.html", 0)], True),
    "static file": ([("static", "img/a.png")], False),
    "site.toml": ([("config", 1)], False),
    "story moves section": ([("section", "story-1", "National")], False),
    "story moves date": ([("date", "story-1", DATES[0])], False),
    "new story": ([("add", "story-7", "Sports", DATES[3], "vote")], False),
    "story deleted": ([("delete", "story-2")], False),
    "story made a draft": ([("draft", "story-0")], False),
    "alias added": ([("alias", "story-1", 0)], False),
    "alias added, then taken away": ([("alias", "story-1", 0), ("alias", "story-1", 0)], False),
    "story moved with an alias": ([("move", "story-1", "Sports")], False),
    "story moved twice": ([("move", "story-1", "Sports"), ("move", "story-1", "National")], False),
    "story becomes a live blog": ([("live", "story-1")], False),
    "live blog ends at a new clock": ([("live", "story-1"), ("now", NOW + timedelta(hours=2))], False),
    "story featured": ([("featured", "story-0")], False),
    "story given a priority": ([("priority", "story-2", 2)], False),
    "story given an expiry": ([("expires", "story-2", 3)], False),
    # story-1 is dated 20 hours before NOW: it expires at NOW + 30 minutes, before any story goes live.
    "clock, a story expiring": ([("expires", "story-1", 20.5), ("now", NOW + timedelta(minutes=45))], False),
    # story-3 goes live at NOW + 1 hour and expires half an hour later: live at neither clock, yet the next
    # change is no longer its going live.
    "story made breaking news": ([("breaking", "story-2", 2)], False),
    # story-1's banner (dated 20 hours before NOW) ends at NOW + 90 minutes; story-3 has gone live by then too.
    "clock, a banner ending": ([("breaking", "story-1", 21.5), ("now", NOW + timedelta(hours=2))], False),
    "data file edited": ([("data", 1)], False),
    "data file deleted, then added again": ([("data", 2), ("data", 0)], False),
    "standalone page retitled": ([("page", 1)], False),
    "standalone page body edited": ([("page", 2)], False),
    "standalone page deleted": ([("page", 3)], False),
    "author profile added": ([("profiles", 1)], False),
    "another spelling merges two bylines, then is taken back": ([("profiles", 2), ("profiles", 1)], False),
    "clock, a story live and gone between builds": (
        [("expires", "story-3", 0.5), ("now", NOW + timedelta(hours=2))],
        False,
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("old_files", [False, True], ids=["just written", "old files"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_change_equals_a_full_build_in_a_session_and_in_a_new_process(
    tiny_thresholds, monkeypatch, kind, old_files
):
    """Both the live session and a new process reach a clean build's bytes; edits in place do not plan anew."""
    steps, in_place = KINDS[kind]
    plans = []
    real = pipeline.plan_pages
    monkeypatch.setattr(pipeline, "plan_pages", lambda *args: plans.append(1) or real(*args))
    check_sequence(steps, jobs=1, old_files=old_files, search=False)
    # The first builds plan twice (session and new process); then each step's clean build plans once, and
    # the session and the new process once each unless they edit the last plan.
    assert len(plans) == 2 + len(steps) * (1 if in_place else 3)


# A newsroom's day (benchmarks/newsroom_day.py): the next morning, a new story, its body and headline fixed, a
# breaking story whose banner the clock takes down, a correction on an old story, a story in another section.
DAY = [
    ("now", NOW + timedelta(hours=13)),
    ("add", "story-7", "National", NOW + timedelta(hours=3), "vote"),
    ("body", "story-7", "storm"),
    ("title", "story-7", "bridge"),
    ("add", "story-6", "National", NOW + timedelta(hours=1), "storm"),
    ("breaking", "story-6", 13),
    ("now", NOW + timedelta(hours=15)),
    ("correction", "story-0"),
    ("add", "story-5", "Sports", NOW + timedelta(hours=3), "match"),
]


@pytest.mark.slow
@pytest.mark.parametrize("includes", ["client", "ssi", "esi", "static"])
def test_a_newsroom_day_equals_a_full_build_in_a_session_and_in_new_processes(tiny_thresholds, includes):
    check_sequence([("includes", includes), *DAY], jobs=1, old_files=True)
