"""Author profiles from data/authors.toml: the author page, bylines in other spellings, and Person JSON-LD."""

from __future__ import annotations

import json
import re

from support import article, build, jpeg, read, run, write_site

AUTHORS = """\
["Ann Writer"]
role = "City hall reporter"
bio = "Ann has covered the council since 2019."
photo = "/images/ann.jpg"
email = "ann@gazette.example"
links = ["https://social.example/@ann", "https://www.example.org/ann"]
names = ["ਐਨ ਰਾਈਟਰ", "A. Writer"]
"""


def person(html: str) -> list[dict]:
    found = [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)]
    return next(o for o in found if o.get("@type") == "NewsArticle")["author"]


def profile_site(site):
    return write_site(
        site,
        {
            "data/authors.toml": AUTHORS,
            "static/images/ann.jpg": jpeg(600, 600),
            "content/a.md": article("First", author="Ann Writer", date="2026-02-10 09:00"),
            "content/b.md": article("Second", author="ਐਨ ਰਾਈਟਰ", date="2026-02-11 09:00"),
            "content/c.md": article("Third", author="Bo Reporter", date="2026-02-11 10:00"),
        },
    )


def test_the_author_page_shows_the_profile_with_a_resized_photo(site):
    profile_site(site)
    assert build(site) == 0
    page = read(site, "/authors/ann-writer/")
    assert '<p class="kicker page-kicker">City hall reporter</p>' in page
    assert '<p class="author-bio">Ann has covered the council since 2019.</p>' in page
    assert '<a href="mailto:ann@gazette.example">' in page and '<a rel="me" href="https://social.example/@ann">' in page
    photo = re.search(r'<figure class="author-photo">.*?</figure>', page, re.DOTALL).group()
    assert 'alt="Photograph of Ann Writer"' in photo and re.search(r"/images/ann\.320w\.[0-9a-f]{10}\.webp", photo)
    assert "Journalist" in read(site, "/authors/bo-reporter/")  # no profile: the plain page


def test_a_byline_in_another_spelling_is_the_same_author_and_page(site):
    profile_site(site)
    assert build(site) == 0
    page = read(site, "/authors/ann-writer/")
    assert "/national/a/" in page and "/national/b/" in page
    assert not (site / "public/authors/ਐਨ-ਰਾਈਟਰ").exists()
    second = read(site, "/national/b/")
    assert '<a rel="author" href="/authors/ann-writer/">ਐਨ ਰਾਈਟਰ</a>' in second  # shown as written
    authors = read(site, "/authors/")
    assert authors.count('href="/authors/ann-writer/"') == 1 and "ਐਨ" not in authors
    feed = read(site, "/feed.xml")
    assert "<uri>https://gazette.example/authors/ann-writer/</uri>" in feed and "ਐਨ-ਰਾਈਟਰ" not in feed


def test_person_json_ld_has_the_profile_url_image_and_same_as(site):
    profile_site(site)
    assert build(site) == 0
    [ann] = person(read(site, "/national/b/"))
    assert ann == {
        "@type": "Person",
        "name": "ਐਨ ਰਾਈਟਰ",
        "url": "https://gazette.example/authors/ann-writer/",
        "image": "https://gazette.example/images/ann.jpg",
        "jobTitle": "City hall reporter",
        "sameAs": ["https://social.example/@ann", "https://www.example.org/ann"],
    }
    [bo] = person(read(site, "/national/c/"))
    assert bo == {"@type": "Person", "name": "Bo Reporter", "url": "https://gazette.example/authors/bo-reporter/"}


def test_bad_profiles_are_problems_at_their_table(site, capsys):
    write_site(
        site,
        {
            "data/authors.toml": '["Ann Writer"]\nbio = "x"\nemial = "a@b.example"\n\n'
            '["Di Sportswriter"]\nlinks = ["javascript:alert(1)"]\n\n'
            '["Bo Reporter"]\nnames = ["B. Reporter"]\n\n'
            '["Cy Editor"]\nnames = ["Bo Reporter"]\n',
            "content/a.md": article(),
        },
    )
    assert build(site) == 1
    err = capsys.readouterr().err
    assert "data/authors.toml:1: 'Ann Writer': unknown key 'emial' (did you mean 'email'?)" in err
    assert "data/authors.toml:5: 'Di Sportswriter': 'links' must be http(s) URLs" in err
    assert "data/authors.toml:11: 'Cy Editor': the other name 'Bo Reporter' is also 'Bo Reporter''s" in err


def test_a_missing_photo_is_a_problem_naming_the_profiles_file(site, capsys):
    write_site(site, {"data/authors.toml": '["Ann Writer"]\nphoto = "/images/none.jpg"\n', "content/a.md": article()})
    assert build(site) == 1
    assert "data/authors.toml:1: image /images/none.jpg not found" in capsys.readouterr().err


def test_check_lists_bylines_without_a_profile_when_asked(site, capsys):
    profile_site(site)
    assert run("check", "--site", site, "--now", "2026-02-12T12:00:00-08:00", "--missing-profiles") == 0
    out = capsys.readouterr().out
    assert "Bylines without a profile in data/authors.toml: Bo Reporter" in out
    assert "Ann Writer" not in out.split("without a profile", 1)[1]
