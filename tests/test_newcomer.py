"""What a new paper trips over (issue 27): each rough edge a newcomer met, pinned down."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW, article, build, jpeg, read, run, write_site


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return tmp_path / "site"


def test_a_summary_drawn_from_the_body_is_not_shown_again_under_the_headline(site):
    write_site(site, {"content/a.md": article("Wire", body="First paragraph of the wire.\n\nSecond."),
                      "content/b.md": article("Own", summary="'Written standfirst.'", body="Body opens here.")})
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
    assert f"content/a.md:6: 'image' must be a path on the site, starting with /: {given!r} " \
           f"(did you mean /images/transit.jpg?)" in err


def test_a_body_image_without_its_leading_slash_is_reported_at_its_line(site, capsys):
    body = "Intro.\n\n![Bus](images/transit.jpg)\n\n![Also](/static/images/transit.jpg)\n"
    write_site(site, {"content/a.md": article("A", body=body), "static/images/transit.jpg": jpeg()})
    assert build(site) == 1
    err = capsys.readouterr().err
    assert "content/a.md:9: image images/transit.jpg must be a path on the site, starting with /: " \
           "did you mean /images/transit.jpg?" in err
    write_site(site, {"content/a.md": article("A", body=body.replace("(images/", "(/images/"))})
    assert build(site) == 1
    assert "content/a.md:11: image /static/images/transit.jpg not found: put the file at " \
           "static/static/images/transit.jpg (did you mean /images/transit.jpg?)" in capsys.readouterr().err


def test_a_scheduled_story_with_a_missing_image_fails_check_and_build_now_not_at_go_live(site, capsys):
    body = "The budget.\n\n![Chart](/images/budget-chart.jpg)\n"
    write_site(site, {"content/live.md": article("Live"),
                      "content/embargoed.md": article("Embargoed", date="2026-02-13 06:00", body=body),
                      "content/draft.md": article("Draft", draft="true", image="/images/missing.jpg")})
    for command in ("check", "build"):
        assert run(command, "--site", site, "--now", NOW) == 1, command
        err = capsys.readouterr().err
        assert "content/embargoed.md:9: image /images/budget-chart.jpg not found: put the file at " \
               "static/images/budget-chart.jpg (the story is scheduled for 2026-02-13 06:00-08:00: fix it before " \
               "then)" in err
        assert "content/draft.md:7: image /images/missing.jpg not found: put the file at static/images/missing.jpg" \
               " (the story is a draft: fix it before then)" in err
    write_site(site, {"static/images/budget-chart.jpg": jpeg(), "static/images/missing.jpg": jpeg()})
    assert build(site) == 0
    assert "budget" not in read(site, "/")  # still scheduled: checked, not published


def test_an_expired_story_s_images_are_not_checked(site):
    write_site(site, {"content/gone.md": article("Gone", expires="2026-02-02 09:00", image="/images/gone.jpg")})
    assert build(site) == 0
