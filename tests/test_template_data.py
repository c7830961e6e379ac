"""What templates read beyond the fixed fields: site.params, a story's extra keys, and errors that say where."""

from __future__ import annotations

import os

from support import REPO, SITE_TOML, article, build, read, run, write_site

PARAMS_TOML = (
    SITE_TOML
    + """
[params]
breaking = "Polls close at 8 p.m."
[params.social]
mastodon = "https://social.example/@gazette"
"""
)


def article_template(line: str) -> str:
    """Return the theme's article.html with `line` inside its main block."""
    lines = (REPO / "templates/article.html").read_text().splitlines(keepends=True)
    at = next(n for n, text in enumerate(lines) if "{% block main %}" in text) + 1
    return "".join([*lines[:at], line + "\n", *lines[at:]])


def test_templates_read_site_params_and_a_missing_param_is_falsy(tmp_path):
    site = write_site(
        tmp_path / "site",
        {
            "site.toml": PARAMS_TOML,
            "content/national/a.md": article("First"),
            "templates/article.html": article_template(
                '<p class="breaking">{{ site.params.breaking }}</p>'
                '<a class="social" href="{{ site.params.social.mastodon }}">M</a>'
                '{% if site.params.no_such_setting %}<p class="never">x</p>{% endif %}'
            ),
        },
    )
    assert build(site) == 0
    page = read(site, "/national/a/")
    assert '<p class="breaking">Polls close at 8 p.m.</p>' in page
    assert '<a class="social" href="https://social.example/@gazette">M</a>' in page
    assert 'class="never"' not in page


def test_params_must_be_a_table(tmp_path, capsys):
    site = write_site(
        tmp_path / "site", {"site.toml": SITE_TOML + 'params = "breaking"\n', "content/national/a.md": article("First")}
    )
    assert run("check", "--site", site) == 1
    assert "site.toml:7: 'params' must be a table (such as [params]), not str" in capsys.readouterr().err


def test_a_missing_extra_key_is_falsy_and_a_present_one_is_shown(tmp_path):
    site = write_site(
        tmp_path / "site",
        {
            "content/national/a.md": article("Credited", photo_credit="Jo Lens"),
            "content/national/b.md": article("Uncredited", date="2026-02-02 09:00"),
            "templates/article.html": article_template(
                '{% if article.extra.photo_credit %}<p class="credit">Photo: {{ article.extra.photo_credit }}</p>'
                '{% else %}<p class="credit">No credit</p>{% endif %}<p class="nested">[{{ article.extra.box.title }}]</p>'
            ),
        },
    )
    assert build(site) == 0
    assert '<p class="credit">Photo: Jo Lens</p>' in read(site, "/national/a/")
    assert '<p class="credit">No credit</p>' in read(site, "/national/b/")
    assert '<p class="nested">[]</p>' in read(site, "/national/b/")


def test_a_misspelt_known_field_is_still_an_error_naming_the_page_and_the_story(tmp_path, capsys):
    site = write_site(
        tmp_path / "site",
        {
            "content/national/a.md": article("First"),
            "content/sports/b.md": article("Second", section="Sports"),
            "templates/article.html": article_template("{{ article.tittle }}"),
        },
    )
    assert build(site) == 1
    err = capsys.readouterr().err
    template = os.path.join("templates", "article.html")
    lines = [x for x in err.splitlines() if "has no attribute 'tittle'" in x]
    assert len(lines) == 1  # one mistake, reported once for both pages it broke
    line = lines[0]
    assert template in line and "(did you mean 'title'?)" in line and "and 1 more page)" in line
    url, story = next(
        (u, s)
        for u, s in (("/national/a/", "content/national/a.md"), ("/sports/b/", "content/sports/b.md"))
        if f"drawing {u}," in line
    )
    assert f"an article page, reading {site / story}" in line or f"reading {os.path.join(*story.split('/'))}" in line


def test_an_error_in_a_list_page_names_the_story_its_card_was_reading(tmp_path, capsys):
    card = (REPO / "templates/partials/card.html").read_text()
    site = write_site(
        tmp_path / "site",
        {
            "content/national/a.md": article("First"),
            "templates/partials/card.html": card.replace("{{ item.title }}", "{{ item.title.no_such }}", 1),
        },
    )
    assert "{{ item.title }}" in card
    assert build(site) == 1
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if "drawing /national/," in x)
    assert "a section page, reading" in line and line.endswith("a.md, and 2 more pages)")  # one line for them all
