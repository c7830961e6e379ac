"""What a new paper trips over (issue 27): each rough edge a newcomer met, pinned down."""

from __future__ import annotations

import io
import json
import re
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from PIL import Image
from support import NOW, REPO, SITE_TOML, article, build, jpeg, read, run, write_site

from broadsheet.workflow import install_source, source_from_direct_url


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return tmp_path / "site"


def test_a_summary_drawn_from_the_body_is_not_shown_again_under_the_headline(site):
    write_site(
        site,
        {
            "content/a.md": article("Wire", body="First paragraph of the wire.\n\nSecond."),
            "content/b.md": article("Own", summary="'Written standfirst.'", body="Body opens here."),
        },
    )
    assert build(site) == 0
    wire = read(site, "/national/a/")
    assert wire.count("<p>First paragraph of the wire.</p>") == 1
    assert 'class="standfirst"' not in wire
    assert '<meta name="description" content="First paragraph of the wire.">' in wire
    own = read(site, "/national/b/")
    assert '<p class="standfirst">Written standfirst.</p>' in own


@pytest.mark.parametrize("given", ["images/transit.jpg", "static/images/transit.jpg", "./images/transit.jpg"])
def test_a_lead_image_without_its_leading_slash_is_reported_with_the_path_it_meant(site, capsys, given):
    write_site(site, {"content/a.md": article("A", image=given), "static/images/transit.jpg": jpeg()})
    assert build(site) == 1
    err = capsys.readouterr().err
    assert (
        f"content/a.md:6: 'image' must be a path on the site, starting with /: {given!r} "
        f"(did you mean /images/transit.jpg?)" in err
    )


def test_a_body_image_without_its_leading_slash_is_reported_at_its_line(site, capsys):
    body = "Intro.\n\n![Bus](images/transit.jpg)\n\n![Also](/static/images/transit.jpg)\n"
    write_site(site, {"content/a.md": article("A", body=body), "static/images/transit.jpg": jpeg()})
    assert build(site) == 1
    err = capsys.readouterr().err
    assert (
        "content/a.md:9: image images/transit.jpg must be a path on the site, starting with /: "
        "did you mean /images/transit.jpg?" in err
    )
    write_site(site, {"content/a.md": article("A", body=body.replace("(images/", "(/images/"))})
    assert build(site) == 1
    assert (
        "content/a.md:11: image /static/images/transit.jpg not found: put the file at "
        "static/static/images/transit.jpg (did you mean /images/transit.jpg?)" in capsys.readouterr().err
    )


def test_a_scheduled_story_with_a_missing_image_fails_check_and_build_now_not_at_go_live(site, capsys):
    body = "The budget.\n\n![Chart](/images/budget-chart.jpg)\n"
    write_site(
        site,
        {
            "content/live.md": article("Live"),
            "content/embargoed.md": article("Embargoed", date="2026-02-13 06:00", body=body),
            "content/draft.md": article("Draft", draft="true", image="/images/missing.jpg"),
        },
    )
    for command in ("check", "build"):
        assert run(command, "--site", site, "--now", NOW) == 1, command
        err = capsys.readouterr().err
        assert (
            "content/embargoed.md:9: image /images/budget-chart.jpg not found: put the file at "
            "static/images/budget-chart.jpg (the story is scheduled for 2026-02-13 06:00-08:00: fix it before "
            "then)" in err
        )
        assert (
            "content/draft.md:7: image /images/missing.jpg not found: put the file at static/images/missing.jpg"
            " (the story is a draft: fix it before then)" in err
        )
    write_site(site, {"static/images/budget-chart.jpg": jpeg(), "static/images/missing.jpg": jpeg()})
    assert build(site) == 0
    assert "budget" not in read(site, "/")  # still scheduled: checked, not published


def test_an_expired_story_s_images_are_not_checked(site):
    write_site(site, {"content/gone.md": article("Gone", expires="2026-02-02 09:00", image="/images/gone.jpg")})
    assert build(site) == 0


def workflow_of(folder: Path) -> dict:
    return yaml.safe_load((folder / ".github/workflows/publish.yml").read_text())


def install_step(folder: Path) -> str:
    return next(s["run"] for s in workflow_of(folder)["jobs"]["publish"]["steps"] if "pip install" in s.get("run", ""))


def test_the_workflow_installs_broadsheet_from_the_source_init_is_given(tmp_path, capsys):
    source = "git+https://git.example/newsroom/broadsheet@v1.2.0"
    assert run("init", tmp_path / "p", "--now", NOW, "--install", source) == 0
    assert f"installs Broadsheet from {source}" in capsys.readouterr().out
    assert workflow_of(tmp_path / "p")["env"]["BROADSHEET"] == source
    assert 'pip install "$BROADSHEET"' in install_step(tmp_path / "p")
    assert "pip install broadsheet" not in (tmp_path / "p/.github/workflows/publish.yml").read_text()


@pytest.mark.parametrize("given", ["broadsheet", "broadsheet==0.1.0", "/home/me/broadsheet", "git+file:///srv/bs"])
def test_init_refuses_a_source_a_runner_cannot_install_from(tmp_path, capsys, given):
    assert run("init", tmp_path / "p", "--now", NOW, "--install", given) == 2
    assert "not something a GitHub runner can install Broadsheet from" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_the_source_is_read_from_how_pip_installed_broadsheet():
    git = {
        "url": "https://github.com/you/broadsheet",
        "vcs_info": {"vcs": "git", "commit_id": "0f4c508ab", "requested_revision": "main"},
    }
    assert source_from_direct_url(json.dumps(git)) == "git+https://github.com/you/broadsheet@0f4c508ab"
    archive = {"url": "https://releases.example/broadsheet-0.1.0.tar.gz", "archive_info": {"hashes": {}}}
    assert source_from_direct_url(json.dumps(archive)) == "https://releases.example/broadsheet-0.1.0.tar.gz"
    for local in (
        {"url": "file:///work/broadsheet", "dir_info": {"editable": True}},
        {"url": "file:///tmp/broadsheet-0.1.0-py3-none-any.whl", "archive_info": {}},
    ):
        assert source_from_direct_url(json.dumps(local)) is None
    assert install_source(None, json.dumps(git)) == "git+https://github.com/you/broadsheet@0f4c508ab"


def test_without_a_source_the_workflow_stops_saying_what_to_set(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("broadsheet.workflow.installed_direct_url", lambda: None)  # as from a local wheel
    assert run("init", tmp_path / "p", "--now", NOW) == 0
    assert "set BROADSHEET in .github/workflows/publish.yml" in capsys.readouterr().out
    assert workflow_of(tmp_path / "p")["env"]["BROADSHEET"] == ""
    script = install_step(tmp_path / "p")
    result = subprocess.run(
        ["bash", "-e", "-c", script],
        env={"BROADSHEET": "", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1 and "::error" in result.stdout and "set BROADSHEET" in result.stdout


def test_version(capsys):
    assert run("--version") == 0
    assert capsys.readouterr().out.strip() == f"broadsheet {metadata.version('broadsheet')}"


def test_init_takes_a_language_and_shows_editions_and_the_folder_rule(tmp_path):
    assert run("init", tmp_path / "p", "--now", NOW, "--language", "pa", "--install", "https://r.example/b.tar.gz") == 0
    text = (tmp_path / "p/site.toml").read_text()
    assert tomllib.loads(text)["language"] == "pa"
    assert "# [languages.fr]" in text and "# sections = [" in text
    assert "each becomes content/" not in text and "not\n# its folder" in text.replace(
        "not its folder", "not\n# its folder"
    )
    stories = "".join(p.read_text() for p in (tmp_path / "p/content").rglob("*.md"))
    assert "corrections:" in stories and "add an `updated` date" not in stories
    assert run("init", tmp_path / "q", "--now", NOW, "--language", "Punjabi!") == 2


def test_the_placeholder_base_url_builds_with_a_warning(tmp_path, capsys):
    assert run("init", tmp_path / "p", "--now", NOW, "--install", "https://r.example/b.tar.gz") == 0
    capsys.readouterr()
    assert run("check", "--site", tmp_path / "p", "--now", NOW) == 0
    assert "site.toml:4: warning: base_url is still the placeholder https://example.com" in capsys.readouterr().err
    (tmp_path / "p/site.toml").write_text(
        (tmp_path / "p/site.toml").read_text().replace("https://example.com", "https://valley.example")
    )
    assert run("check", "--site", tmp_path / "p", "--now", NOW) == 0
    assert "placeholder" not in capsys.readouterr().err


def test_theme_eject_says_it_wrote_ejected_toml(tmp_path, capsys):
    assert run("init", tmp_path / "p", "--now", NOW, "--install", "https://r.example/b.tar.gz") == 0
    capsys.readouterr()
    assert run("theme", "eject", "partials/byline.html", "--site", tmp_path / "p") == 0
    out = capsys.readouterr().out
    assert "Created" in out and "ejected.toml" in out and "broadsheet check" in out


@pytest.mark.parametrize(
    "line, where, expected",
    [
        (
            "title: Kabaddi: Surrey Falcons win",
            "a.md:2:15",
            "the value of 'title' holds a colon and a space, which "
            'YAML reads as another field; put the value in quotes: title: "Kabaddi: Surrey Falcons win" '
            "(YAML: mapping values are not allowed here)",
        ),
        (
            "title: *Exclusive* interview",
            "a.md:2:",
            "a value cannot start with '*' in YAML; put the value in quotes: title: \"*Exclusive* interview\"",
        ),
        ("title: @council says no", "a.md:2:8", "a value cannot start with '@' in YAML; put the value in quotes"),
        ('title: "Council votes', "a.md:2", "the quote that opens the value of 'title' is not closed"),
        (
            'title: "Yes" says council',
            "a.md:2:",
            'text follows the closing quote of \'title\'; quote the whole value: title: "\\"Yes\\" says council"',
        ),
        ("title:\tTabbed", "a.md:2:7", "a tab in the front matter; indent and separate with spaces"),
        ("title: A long headline\nthat goes on", "a.md:3", "this line is not 'field: value'"),
    ],
)
def test_common_yaml_mistakes_say_what_to_do(site, capsys, line, where, expected):
    write_site(site, {"content/a.md": f"---\n{line}\nsection: National\nauthor: A\ndate: 2026-02-01 09:00\n---\nB\n"})
    assert build(site) == 1
    err = capsys.readouterr().err
    assert f"content/{where}" in err and f": invalid YAML in front matter: {expected}" in err, err
    assert err.count("\n") == 2  # the one problem, and the summary line


def test_one_template_mistake_on_many_pages_is_one_line_with_a_count_and_the_near_name(site, capsys):
    byline = (REPO / "templates/partials/byline.html").read_text().replace("article.authors", "article.autors", 1)
    stories = {f"content/s{i}.md": article(f"Story {i}", date=f"2026-02-0{1 + i % 9} 09:00") for i in range(12)}
    write_site(site, {**stories, "templates/partials/byline.html": byline})
    assert build(site) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2, lines  # the one mistake, and the summary
    assert "templates/partials/byline.html:" in lines[0]
    assert "has no attribute 'autors' (did you mean 'authors'?)" in lines[0]
    assert "and 11 more pages)" in lines[0]
    line = int(lines[0].split("templates/partials/byline.html:")[1].split(":")[0])
    assert "article.autors" in byline.splitlines()[line - 1]  # the theme's partial reads line by line


def test_an_empty_section_s_feed_is_not_rewritten_by_a_build_that_finds_nothing_new(site):
    write_site(site, {"content/a.md": article("A")})  # Sports and Arts & Culture have no story
    assert build(site, now="2026-02-12T12:00:00-08:00") == 0
    assert build(site, now="2026-02-12T12:20:00-08:00") == 0  # a scheduled rebuild, 20 minutes on
    changed = (site / ".broadsheet-cache/changed-urls.txt").read_text().split()
    assert not [u for u in changed if u.endswith((".xml", "/feed/"))], changed
    assert "<updated>2026-02-01T09:00:00-08:00</updated>" in read(site, "/sports/feed.xml")


def head_meta(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html):
        found.setdefault(key, []).append(value)
    return found


def test_og_locale_is_in_facebook_s_form_on_every_page_one_language_or_several(site):
    write_site(site, {"content/a.md": article("A")})
    assert build(site) == 0
    assert head_meta(read(site, "/national/a/"))["og:locale"] == ["en_US"]
    toml = SITE_TOML + 'language = "en-GB"\n\n[languages.pa]\nsections = ["ਪੰਜਾਬ"]\n'
    write_site(site, {"site.toml": toml, "content/p.md": article("ਪ", section="ਪੰਜਾਬ", lang="pa", slug="p")})
    assert build(site) == 0
    pa = head_meta(read(site, "/pa/"))
    assert pa["og:locale"] == ["pa_IN"] and pa["og:locale:alternate"] == ["en_GB"]
    assert head_meta(read(site, "/"))["og:locale"] == ["en_GB"]


def test_a_story_without_a_picture_shares_the_logo_with_alt_text_and_json_ld_image(site):
    toml = SITE_TOML + 'logo = "/images/logo.png"\n'
    write_site(
        site,
        {
            "site.toml": toml,
            "static/images/logo.png": png(),
            "static/images/p.jpg": jpeg(),
            "content/a.md": article("Plain story"),
            "content/b.md": article("Pictured", image="/images/p.jpg", image_caption="'The harbour'"),
        },
    )
    assert build(site) == 0
    plain = read(site, "/national/a/")
    meta = head_meta(plain)
    assert meta["og:image"] == ["https://gazette.example/images/logo.png"]
    assert meta["og:image:alt"] == ["The Test Gazette"]
    story = next(d for d in jsonld(plain) if d["@type"] == "NewsArticle")
    assert story["image"] == ["https://gazette.example/images/logo.png"]
    assert story["publisher"]["logo"]["url"] == "https://gazette.example/images/logo.png"
    assert head_meta(read(site, "/national/b/"))["og:image:alt"] == ["The harbour"]  # no image_alt: the caption


def jsonld(html: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)]


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 60), (20, 20, 20)).save(out, "PNG")
    return out.getvalue()


def test_a_small_paper_shows_no_empty_section_blocks(site):
    write_site(
        site,
        {
            "content/a.md": article("Ferry plan", summary="'Council backs the plan.'"),
            "content/b.md": article("Budget", date="2026-02-02 09:00"),
            "content/c.md": article("Match", section="Sports", date="2026-02-03 09:00"),
        },
    )
    assert build(site) == 0
    home = read(site, "/")
    assert "No stories yet." not in home
    assert '<a href="/arts-culture/">Arts &amp; Culture</a>' in home  # still linked from the navigation
    assert home.count('class="section-block"') == 1  # National's next story; Sports' only one is the lead
