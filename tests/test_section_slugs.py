"""A section's URL slug can be set in site.toml, so that a section in any script has a plain ASCII folder."""

from __future__ import annotations

import frontmatter
from support import SITE_TOML, article, build, read, run, write_site

SLUGGED = (
    SITE_TOML.replace(
        'sections = ["National", "Sports", "Arts & Culture"]',
        'sections = ["National", { name = "Sports", slug = "sport" }, "Arts & Culture"]',
    )
    + """
language = "en"

[languages.pa]
sections = [{ name = "ਪੰਜਾਬ", slug = "punjab" }, "ਕੈਨੇਡਾ"]
"""
)


def slugged(site):
    return write_site(
        site,
        {
            "site.toml": SLUGGED,
            "content/match.md": article("Falcons win", section="Sports"),
            "content/pa/farmers.md": article("ਕਿਸਾਨਾਂ ਦੀ ਮੀਟਿੰਗ", section="ਪੰਜਾਬ", lang="pa", slug="farmers"),
            "content/pa/fares.md": article("ਕਿਰਾਏ ਵਧੇ", section="ਕੈਨੇਡਾ", lang="pa", slug="fares"),
        },
    )


def test_a_section_with_a_slug_has_its_folder_and_urls_there(site):
    slugged(site)
    assert build(site) == 0
    public = site / "public"
    assert (public / "pa/punjab/farmers/index.html").is_file() and (public / "pa/punjab/feed.xml").is_file()
    assert not (public / "pa/ਪੰਜਾਬ").exists()
    assert (public / "pa/ਕੈਨੇਡਾ/fares/index.html").is_file()  # a plain name still gives its own slug
    assert (public / "sport/match/index.html").is_file() and not (public / "sports").exists()
    home = read(site, "/pa/")
    assert '<a href="/pa/punjab/">ਪੰਜਾਬ</a>' in home  # the section keeps its name; only the URL is ASCII
    assert '<a href="/sport/">Sports</a>' in read(site, "/")
    assert "ਪੰਜਾਬ" in read(site, "/pa/punjab/")


def test_new_and_move_take_a_sections_slug_as_well_as_its_name(site, capsys):
    slugged(site)
    assert run("new", "ਨਵੀਂ ਖ਼ਬਰ", "--section", "punjab", "--lang", "pa", "--site", site) == 0
    path = site / "content/pa/punjab/ਨਵੀਂ-ਖ਼ਬਰ.md"
    assert frontmatter.load(path)["section"] == "ਪੰਜਾਬ"  # the story names its section as readers see it
    assert run("new", "Cup final", "--section", "Sport", "--site", site) == 0
    assert frontmatter.load(site / "content/sport/cup-final.md")["section"] == "Sports"
    assert run("new", "Another", "--section", "panjab", "--lang", "pa", "--site", site) == 2
    err = capsys.readouterr().err
    assert "unknown section 'panjab' (did you mean 'punjab'?)" in err
    assert "the sections are: ਪੰਜਾਬ (punjab), ਕੈਨੇਡਾ" in err
    assert run("move", site / "content/pa/fares.md", "--section", "punjab", "--site", site) == 0
    moved = frontmatter.load(site / "content/pa/fares.md")
    assert moved["section"] == "ਪੰਜਾਬ" and moved["aliases"] == [
        "/pa/%E0%A8%95%E0%A9%88%E0%A8%A8%E0%A9%87%E0%A8%A1%E0%A8%BE/fares/"
    ]
    assert build(site) == 0
    assert (site / "public/pa/punjab/fares/index.html").is_file()


def test_a_story_names_its_section_not_its_slug(site, capsys):
    slugged(site)
    (site / "content/pa/slug.md").write_text(
        article("ਗ਼ਲਤ", section="punjab", lang="pa", slug="wrong"), encoding="utf-8"
    )
    assert build(site) == 1
    assert "slug.md:3: 'punjab' is the URL slug of the section 'ਪੰਜਾਬ'; write `section: ਪੰਜਾਬ`" in capsys.readouterr().err


def test_bad_section_tables_are_reported_at_their_line(site, capsys):
    write_site(
        site,
        {
            "site.toml": SITE_TOML.replace(
                'sections = ["National", "Sports", "Arts & Culture"]',
                'sections = ["National", { name = "Sports", slug = "Sport s" }, { name = "Arts", slg = "arts" },\n'
                '            { slug = "nameless" }, { name = "Tags", slug = "tags" }, { name = "Nation", slug = "national" },\n'
                '            { name = "ਪੰਜਾਬ", slug = "ਪੰਜਾਬ" }, 7]',
            )
        },
    )
    assert build(site) == 1
    err = capsys.readouterr().err
    line = "site.toml:4: "
    for message in (
        "section 'Sports': the slug 'Sport s' must be lower-case ASCII letters, digits and hyphens, such as 'sport-s'",
        "a section's table has the keys name and slug, not 'slg' (did you mean 'slug'?)",
        "a section's table needs its 'name', a non-empty string",
        "section 'Tags' would take the reserved URL /tags/",
        "sections 'National' and 'Nation' both want the URL /national/",
        "section 'ਪੰਜਾਬ': the slug 'ਪੰਜਾਬ' must be lower-case ASCII letters, digits and hyphens",
        "each of 'sections' must be a section's name or a table",
    ):
        assert line + message in err, message
