"""Round three of hostile input: names in one normal form, invisible headlines, data files that would be read
wrongly, and files nested too deeply. Every case drives the real CLI; refusals change nothing anywhere."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hostile_support import refused
from support import SITE_TOML, article, build, read, write_site

NFC, NFD = (unicodedata.normalize(form, "Économie") for form in ("NFC", "NFD"))


def site_with(tmp_path, files, toml=SITE_TOML):
    return write_site(tmp_path / "site", {"site.toml": toml, "content/national/a.md": article("First"), **files})


@pytest.mark.parametrize("in_toml,in_story", [(NFC, NFD), (NFD, NFC)])
def test_a_section_spelled_in_another_normal_form_is_the_same_section(tmp_path, capsys, in_toml, in_story):
    toml = SITE_TOML.replace('"Arts & Culture"]', f'"Arts & Culture", "{in_toml}"]')
    site = site_with(tmp_path, {"content/eco.md": article("Markets", section=in_story)}, toml)
    assert build(site) == 0, capsys.readouterr().err
    assert "Markets" in read(site, "/economie/")


def test_an_editions_sections_and_a_storys_lang_are_compared_in_one_form(tmp_path, capsys):
    toml = SITE_TOML + f'\n[languages.fr]\nsections = ["{NFD}"]\n'
    site = site_with(tmp_path, {"content/fr/eco.md": article("Marchés", section=NFC, lang="FR")}, toml)
    assert build(site) == 0, capsys.readouterr().err
    assert "Marchés" in read(site, "/fr/economie/")


@pytest.mark.parametrize("second", ["PA", "Pa"])
def test_one_language_under_two_spellings_is_a_problem(tmp_path, capsys, second):
    toml = SITE_TOML + f'\n[languages.pa]\ntitle = "One"\n\n[languages.{second}]\ntitle = "Two"\n'
    site = site_with(tmp_path, {}, toml)
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert f"[languages.{second}]" in err and "site.toml:" in err


@pytest.mark.parametrize(
    "title",
    ["\u200e", "\u202e\u202c", "\u2060", "\ufeff\u200d", "\u00ad", "\u200b\u200c", "\u3164", "\u2800 \u200b", "\u034f"],
)
def test_a_headline_with_no_visible_character_is_a_problem(tmp_path, capsys, title):
    story = article("X").replace("title: 'X'", f"title: {json.dumps(title)}")
    site = site_with(tmp_path, {"content/national/b.md": story})
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert "b.md:2: 'title' shows nothing" in err


def test_a_standalone_page_title_with_no_visible_character_is_a_problem(tmp_path, capsys):
    site = site_with(tmp_path, {"content/pages/about.md": '---\ntitle: "\\u200b\\u00ad"\n---\nAbout us.\n'})
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert "about.md:2: 'title' shows nothing" in err


def test_a_visible_headline_with_invisible_characters_in_it_builds(tmp_path, capsys):
    site = site_with(tmp_path, {"content/national/b.md": article("Soft\u00adware \u200bnews")})
    assert build(site) == 0, capsys.readouterr().err


@pytest.mark.parametrize(
    "name,text,line",
    [
        ("scores.yaml", "home: 1\naway: 2\nhome: 3\n", 3),
        ("scores.yml", "teams:\n  - name: a\n    name: b\n", 3),
        ("scores.json", '{\n "home": 1,\n "home": 2\n}\n', 3),
    ],
)
def test_a_key_given_twice_in_a_data_file_is_a_problem_at_its_line(tmp_path, capsys, name, text, line):
    site = site_with(tmp_path, {f"data/{name}": text})
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert f"{name}:{line}: " in err and "given twice" in err


@pytest.mark.parametrize(
    "name,text",
    [("rows.csv", "pop,update,items\n1,2,3\n"), ("rows.json", '[{"pop": "1", "update": "2", "items": "3"}]')],
)
def test_data_keys_named_like_methods_are_the_data(tmp_path, capsys, name, text):
    template = (
        "{% for r in site.data.rows %}<p>[{{ r.pop }}|{{ r.update }}|{{ r.items }}|{{ r['pop'] }}]</p>{% endfor %}"
    )
    site = site_with(
        tmp_path,
        {
            f"data/{name}": text,
            "templates/partials/footer-extra.html": template,
            "content/pages/rows.md": "---\ntitle: Rows\n---\nRows.\n",
        },
    )
    page = site / "templates" / "page.html"
    include = '{% include "partials/footer-extra.html" %}{% endblock %}'
    page.write_text(page.read_text().replace("{% endblock %}", include, 1))
    assert build(site) == 0, capsys.readouterr().err
    assert "<p>[1|2|3|1]</p>" in read(site, "/rows/")


@pytest.mark.parametrize(
    "first,second",
    [
        ("Zoë Quill", unicodedata.normalize("NFD", "Zoë Quill")),
        ("Ann Writer", "ann writer"),
        ("Ann Writer", "ANN  WRITER"),
    ],
)
def test_two_profiles_for_one_person_under_two_spellings_are_a_problem(tmp_path, capsys, first, second):
    profiles = f'["{first}"]\nrole = "One"\n\n["{second}"]\nrole = "Two"\n'
    site = site_with(tmp_path, {"data/authors.toml": profiles})
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert "authors.toml:4: " in err and "two spellings of one name" in err


def test_markdown_in_a_subfolder_of_content_pages_is_reported(tmp_path, capsys):
    site = site_with(
        tmp_path,
        {
            "content/pages/about.md": "---\ntitle: About\n---\nUs.\n",
            "content/pages/legal/terms.md": "---\ntitle: Terms\n---\nTerms.\n",
        },
    )
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert "terms.md: a page in a subfolder of content/pages/ is not published" in err


@pytest.mark.parametrize(
    "name,text",
    [
        ("data/deep.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n"),
        ("data/deep2.toml", "x = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n"),
        ("data/authors.toml", '["Ann Writer"]\nlinks = ' + "[" * 5000 + "]" * 5000 + "\n"),
        ("data/deep.json", "[" * 5000 + "]" * 5000),
    ],
)
def test_a_data_or_profile_file_nested_thousands_deep_is_a_problem(tmp_path, capsys, name, text):
    site = site_with(tmp_path, {name: text})
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert "nested too deeply" in err


def test_site_toml_nested_thousands_deep_is_a_problem(tmp_path, capsys):
    site = site_with(tmp_path, {}, SITE_TOML + "[params]\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert "site.toml: invalid TOML: nested too deeply" in err
