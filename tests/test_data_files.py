"""Data files (data/*.toml, *.yaml, *.json, *.csv) as site.data in templates, their problems, and what editing one redraws."""

from __future__ import annotations

from datetime import datetime

from support import NOW, REPO, article, build, read, write_site

from broadsheet.options import BuildOptions
from broadsheet.run import build_with_cache

TAGS_PAGE = """{% extends "base.html" %}
{% block main %}
<h1 class="page-title">Topics</h1>
<p id=results>{% for row in site.data.results %}{{ row.team }}={{ row.score }};{% endfor %}</p>
<p id=masthead>{{ site.data.masthead.editor }} / {{ site.data.staff.desk[1] }} / {{ site.data.polls.leader.name }}</p>
<p id=missing>{% if site.data.nothing %}yes{% else %}no such file{% endif %}</p>
{% endblock %}
"""
DATA = {
    "data/results.csv": 'team,score\nHerons,3\n"Gulls, Jr.",1\n',
    "data/masthead.toml": 'editor = "Ann Writer"\n',
    "data/staff.yaml": "desk:\n  - Metro\n  - Sports\n",
    "data/polls.json": '{"leader": {"name": "Bo"}}\n',
}


def test_templates_read_each_kind_of_data_file_by_its_stem(site):
    write_site(site, {"templates/tags.html": TAGS_PAGE, **DATA, "content/a.md": article()})
    assert build(site) == 0
    html = read(site, "/tags/")
    assert "<p id=results>Herons=3;Gulls, Jr.=1;</p>" in html
    assert "<p id=masthead>Ann Writer / Sports / Bo</p>" in html
    assert "<p id=missing>no such file</p>" in html


def test_every_malformed_data_file_is_a_problem_at_its_line_in_one_run(site, capsys):
    write_site(
        site,
        {
            "data/a.toml": "x = 1\ny = \n",
            "data/b.json": '{\n  "x": 1,\n}\n',
            "data/c.yaml": "a: 1\nb: [\n",
            "data/d.csv": "team,score\nHerons,3\nGulls\n",
            "data/e.csv": "team,team\n",
            "data/f.json": "{}",
            "data/f.toml": "",
            "content/bad.md": article(section="Nowhere"),
        },
    )
    assert build(site) == 1
    err = capsys.readouterr().err
    assert "data/a.toml:2: invalid TOML" in err
    assert "data/b.json:3: invalid JSON" in err
    assert "data/c.yaml:3: invalid YAML" in err
    assert "data/d.csv:3: invalid CSV: 1 values in a row of 2 columns" in err
    assert "data/e.csv:1: invalid CSV: the first row must name every column, each once" in err
    assert "data/f.toml: site.data.f is also f.json; rename one of them" in err
    assert "content/bad.md:3: unknown section 'Nowhere'" in err


def test_an_alias_bomb_in_yaml_is_refused(site, capsys):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefg", "bcdefgh")
    )
    write_site(site, {"data/bomb.yaml": bomb})
    assert build(site) == 1
    assert "data/bomb.yaml:1: invalid YAML:" in capsys.readouterr().err


def test_editing_a_data_file_redraws_exactly_the_pages_that_read_it(site):
    # The site's article.html extends the theme's (copied as story.html) and shows a score in its rail.
    page = '{% extends "story.html" %}{% block rail %}<p id=score>{{ site.data.results[0].score }}</p>{% endblock %}\n'
    write_site(
        site,
        {
            "data/results.csv": "team,score\nHerons,3\n",
            "data/other.toml": "x = 1\n",
            "templates/story.html": (REPO / "templates/article.html").read_text(encoding="utf-8"),
            "templates/article.html": page,
            "content/a.md": article("A", date="2026-02-10 09:00"),
            "content/b.md": article("B", date="2026-02-11 09:00"),
        },
    )
    opts = BuildOptions(site, site / "public", datetime.fromisoformat(NOW))
    build_with_cache(opts)
    assert "<p id=score>3</p>" in read(site, "/national/a/")
    (site / "data/results.csv").write_text("team,score\nHerons,4\n")
    result = build_with_cache(opts)
    assert sorted(result.changed_urls) == ["https://gazette.example/national/a/", "https://gazette.example/national/b/"]
    assert result.pages_rendered == 2
    assert "<p id=score>4</p>" in read(site, "/national/b/")
    (site / "data/other.toml").write_text("x = 2\n")  # read by no page
    assert build_with_cache(opts).pages_rendered == 0
    (site / "data/other.toml").unlink()
    assert build_with_cache(opts).pages_rendered == 0
