"""`broadsheet init`: a new paper that builds as it is, valid and accessible, and never a file overwritten."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from browser import LINKCHECKER_RC, VNU_JAR, axe_context, chromium, describe, need_node_tool, run_axe, serve
from support import NOW, REPO, run, tree_snapshot


def init(folder: Path, *args: str) -> int:
    return run("init", folder, "--now", NOW, *args)


@pytest.fixture(scope="module")
def paper(tmp_path_factory) -> Path:
    """A paper made by `init` with no options in an empty folder, then built: only the packaged theme."""
    folder = tmp_path_factory.mktemp("init") / "harbour-times"
    folder.mkdir()
    assert init(folder) == 0
    assert run("build", "--site", folder, "--now", NOW) == 0
    return folder


def test_init_writes_a_paper_of_site_toml_stories_notes_and_a_schedule(paper):
    config = tomllib.loads((paper / "site.toml").read_text())
    assert config["title"] == "Harbour Times" and config["timezone"] == "UTC"
    assert config["sections"] == ["News", "Sport", "Opinion"] and config["language"] == "en"
    commented = [line for line in (paper / "site.toml").read_text().splitlines() if line.startswith("# ")]
    for key in (
        "per_page",
        "more_from",
        "date_format",
        "feed_size",
        "feed_content",
        "logo",
        "image_widths",
        "search",
        "includes",
        "keep",
        "max_file_size",
        "sanitize",
        "markdown_time_limit",
        "render_time_limit",
    ):
        assert any(line.startswith(f"# {key} = ") for line in commented), key
    stories = sorted((paper / "content").rglob("*.md"))
    assert 2 <= len(stories) <= 3
    assert sorted(p.name for p in (paper / "templates").iterdir()) == [".gitkeep"]
    assert sorted(p.name for p in (paper / "static").iterdir()) == [".gitkeep"]
    assert "replaces the theme's file" in (paper / "templates/.gitkeep").read_text()
    assert "/.broadsheet-cache/" in (paper / ".gitignore").read_text().splitlines()
    workflow = yaml.safe_load((paper / ".github/workflows/publish.yml").read_text())
    assert workflow[True]["schedule"] == [{"cron": "*/15 * * * *"}]  # YAML 1.1 reads the key `on` as true
    steps = workflow["jobs"]["publish"]["steps"]
    assert any(
        s.get("uses", "").startswith("actions/cache@") and s["with"]["path"] == ".broadsheet-cache" for s in steps
    )
    assert any(s.get("run") == "broadsheet build" for s in steps)
    assert re.search(
        r"^    \*/15 \* \* \* \* cd .+ && broadsheet build", (paper / "README.md").read_text(), re.MULTILINE
    )


def test_the_paper_builds_every_page_kind_with_the_packaged_theme(paper):
    public = paper / "public"
    home = (public / "index.html").read_text()
    for name, slug in (("News", "news"), ("Sport", "sport"), ("Opinion", "opinion")):
        assert f'href="/{slug}/">{name}</a>' in home
    assert (public / "news/welcome/index.html").is_file()
    assert (public / "css/site.css").read_bytes() == (REPO / "static/css/site.css").read_bytes()
    assert {"404.html", "search", "authors", "tags", "sitemap.xml", "feed.xml"} <= {p.name for p in public.iterdir()}


@pytest.mark.slow
def test_the_nu_validator_finds_no_errors_in_the_paper(paper, tmp_path):
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div>nested</p>")
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(need_node_tool(VNU_JAR)),
            "--errors-only",
            "--skip-non-html",
            str(paper / "public"),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    errors = [line for line in result.stderr.splitlines() if ": error" in line]
    assert errors and all("/bad.html" in line for line in errors), "\n".join(errors[:40])


@pytest.mark.slow
def test_linkchecker_finds_no_broken_links_in_the_paper(paper, tmp_path):
    rc = tmp_path / "linkcheckerrc"
    rc.write_text(LINKCHECKER_RC)
    with serve(paper / "public") as base:
        result = subprocess.run(
            [sys.executable, "-m", "linkcheck", "--config", str(rc), "--no-status", base + "/"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    assert result.returncode == 0, result.stdout[-4000:]
    assert int(re.search(r"(\d+) links? in \d+ URLs checked", result.stdout).group(1)) > 30


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_aa_violations_in_the_paper(paper, scheme):
    pages = [
        "/",
        "/news/",
        "/news/welcome/",
        "/authors/",
        "/authors/the-editors/",
        "/tags/",
        "/tags/about-us/",
        "/search/",
        "/no-such-page/",
    ]
    failures = []
    with chromium() as browser, serve(paper / "public") as base:
        context = axe_context(browser, viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        page = context.new_page()
        for url in pages:
            response = page.goto(base + url)
            assert response.status == (404 if url == "/no-such-page/" else 200), url
            if violations := run_axe(page):
                failures.append(f"{url}:\n{describe(violations)}")
        context.close()
    assert not failures, "\n".join(failures)


def test_init_takes_title_timezone_and_sections(tmp_path):
    folder = tmp_path / "paper"
    assert (
        init(
            folder,
            "--title",
            "La Gazette du Lac",
            "--timezone",
            "Europe/Paris",
            "--sections",
            "Local, Politique, Sports & Loisirs",
        )
        == 0
    )
    config = tomllib.loads((folder / "site.toml").read_text())
    assert (config["title"], config["timezone"]) == ("La Gazette du Lac", "Europe/Paris")
    assert config["sections"] == ["Local", "Politique", "Sports & Loisirs"]
    assert {p.parent.name for p in (folder / "content").rglob("*.md")} == {"local", "politique", "sports-loisirs"}
    assert run("build", "--site", folder, "--now", NOW) == 0


def test_init_refuses_a_bad_time_zone_and_writes_nothing(tmp_path, capsys):
    assert init(tmp_path / "paper", "--timezone", "Mars/Olympus") == 2
    assert "unknown time zone 'Mars/Olympus'" in capsys.readouterr().err
    assert not (tmp_path / "paper").exists()


def test_init_never_overwrites_a_file(tmp_path, capsys):
    folder = tmp_path / "paper"
    (folder / "content/news").mkdir(parents=True)
    (folder / "site.toml").write_text("title = 'mine'\n")
    (folder / "content/news/welcome.md").write_text("my own story\n")
    before = tree_snapshot(folder)
    assert init(folder) == 2
    err = capsys.readouterr().err
    assert "never overwrites" in err and "site.toml" in err and "welcome.md" in err
    assert tree_snapshot(folder) == before


def test_init_asks_for_what_it_was_not_given_when_run_in_a_terminal(tmp_path):
    folder = tmp_path / "paper"
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, broadsheet.cli; sys.exit(broadsheet.cli.main())",
                "init",
                str(folder),
                "--now",
                NOW,
                "--timezone",
                "Asia/Tokyo",
            ],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.write(controller, b"The Night Edition\n\n")  # a name, then the default sections
        out, err = process.communicate(timeout=60)
    finally:
        os.close(controller)
        os.close(terminal)
    assert process.returncode == 0, err
    assert "The paper's name [Paper]: " in out and "Its sections, separated by commas [News, Sport, Opinion]: " in out
    assert "time zone" not in out.split("Its sections")[0]  # given on the command line: not asked
    config = tomllib.loads((folder / "site.toml").read_text())
    assert (config["title"], config["timezone"], config["sections"]) == (
        "The Night Edition",
        "Asia/Tokyo",
        ["News", "Sport", "Opinion"],
    )


def test_init_without_a_terminal_takes_the_defaults_without_asking(tmp_path):
    folder = tmp_path / "quiet-paper"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, broadsheet.cli; sys.exit(broadsheet.cli.main())",
            "init",
            str(folder),
            "--now",
            NOW,
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "[" not in done.stdout.split("Created")[0]  # no question before the files
    assert tomllib.loads((folder / "site.toml").read_text())["title"] == "Quiet Paper"
    assert re.search(
        r"^  \*/15 \* \* \* \* cd .*quiet-paper && \S*broadsheet build >> build\.log 2>&1$", done.stdout, re.MULTILINE
    )
