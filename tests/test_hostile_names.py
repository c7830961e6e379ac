"""Long names: every slug stays within a file name's 255 bytes, deterministically, whatever the script, and
`check` agrees with `build`."""

from __future__ import annotations

import os

import pytest
from support import NOW, article, build, run, write_site

from broadsheet.urls import MAX_SLUG_BYTES

LONG_HINDI = (
    "प्रधानमंत्री ने आज संसद में नई शिक्षा नीति पर विस्तार से चर्चा की और राज्यों के मुख्यमंत्रियों से "
    "सहयोग की अपील की"
)  # a realistic headline: 109 characters, 285 bytes


def output_names(out) -> list[str]:
    return [name for _root, dirs, files in os.walk(out) for name in dirs + files]


@pytest.mark.slow
@pytest.mark.parametrize(
    "fields",
    [
        {"slug": "a" * 300},
        {"slug": "ह" * 300},
        {"author": "Ann " + "Writer" * 60},
        {"tags": "[" + "Topic" * 60 + "]"},
        {"tags": "[" + "विषय" * 80 + "]"},
        {"title": repr(LONG_HINDI)},
    ],
)
def test_long_slugs_authors_and_tags_build_and_check_alike(tmp_path, capsys, fields):
    story = article(
        **({"title": "Story"} | {k: v for k, v in fields.items() if k in ("title", "author")}),
        **{k: v for k, v in fields.items() if k not in ("title", "author")},
    )
    site = write_site(tmp_path / "site", {"content/national/a.md": story})
    assert run("check", "--site", site, "--now", NOW) == 0, capsys.readouterr().err
    assert build(site) == 0, capsys.readouterr().err
    first = sorted(output_names(site / "public"))
    assert max(len(n.encode()) for n in first) <= 255
    assert build(site, "--output", tmp_path / "again", "--no-cache") == 0  # the same names on every build
    assert sorted(output_names(tmp_path / "again")) == first


def test_two_long_names_that_begin_alike_get_two_pages(tmp_path, capsys):
    stem = "Correspondent" * 20
    site = write_site(
        tmp_path / "site",
        {
            "content/national/a.md": article("A", author=stem + " One"),
            "content/national/b.md": article("B", author=stem + " Two"),
        },
    )
    assert build(site) == 0, capsys.readouterr().err
    authors = [d for d in os.listdir(site / "public/authors") if d != "index.html"]
    assert len(authors) == 2 and all(len(d.encode()) <= MAX_SLUG_BYTES for d in authors)


def test_new_starts_a_story_from_a_long_hindi_headline(tmp_path, capsys):
    site = write_site(tmp_path / "site", {})
    assert run("new", LONG_HINDI, "--section", "National", "--site", site) == 0, capsys.readouterr().err
    created = list((site / "content/national").iterdir())
    assert len(created) == 1 and len(created[0].name.encode()) <= 255
    assert build(site, "--drafts", "--future") == 0, capsys.readouterr().err
    page = site / "public/national" / created[0].stem / "index.html"
    assert f"<h1>{LONG_HINDI}</h1>" in page.read_text(encoding="utf-8").replace("\n", " ")


def test_a_static_image_whose_variants_would_be_too_long_is_refused_by_check_and_build(tmp_path, capsys):
    from support import jpeg

    name = "p" * 240 + ".jpg"
    site = write_site(
        tmp_path / "site",
        {"content/national/a.md": article(image=f"/images/{name}"), f"static/images/{name}": jpeg(400, 200)},
    )
    for command in ("check", "build"):
        assert run(command, "--site", site, "--now", NOW) == 1
        assert "more than the 255 a file system allows" in capsys.readouterr().err
    assert not (site / "public").exists()
