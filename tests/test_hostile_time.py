"""Time is compared as time: a wall-clock time the clock skips or shows twice follows one rule in order,
scheduling and display; a clock at the edges of the calendar is a usage error."""

from __future__ import annotations

import os
import re

import pytest
from support import article, build, read, run, write_site

SPRING = "2026-03-08"  # America/Vancouver springs from 02:00 to 03:00
FALL = "2026-11-01"  # and falls back from 02:00 to 01:00


def dst_site(tmp_path, dates: dict[str, str]):
    return write_site(
        tmp_path / "site",
        {f"content/national/{name}.md": article(f"Story {name}", date=f"'{when}'") for name, when in dates.items()},
    )


def order_on(site, url: str) -> list[str]:
    return re.findall(r"Story (\w+)", read(site, url))


@pytest.mark.slow
def test_a_time_the_clock_skips_is_moved_forward_by_the_gap_in_order_display_and_schedule(tmp_path, capsys):
    site = dst_site(tmp_path, {"gap": f"{SPRING} 02:30", "before": f"{SPRING} 01:50", "after": f"{SPRING} 03:10"})
    assert build(site, now=f"{SPRING}T12:00:00-07:00") == 0, capsys.readouterr().err
    assert order_on(site, "/national/")[:3] == ["gap", "after", "before"]
    page = read(site, "/national/gap/")
    assert f"{SPRING}T03:30:00-07:00" in page and "02:30" not in page
    assert f"{SPRING}T03:30:00-07:00" in read(site, "/feed.xml")
    # Scheduled at the same instant it is shown and sorted at.
    assert build(site, now=f"{SPRING}T03:20:00-07:00") == 0
    assert order_on(site, "/national/")[:2] == ["after", "before"]
    assert "Next scheduled story goes live at 2026-03-08T03:30:00-07:00: 'Story gap'" in capsys.readouterr().out
    assert build(site, now=f"{SPRING}T03:30:00-07:00") == 0
    assert order_on(site, "/national/")[0] == "gap"


def test_a_time_the_clock_shows_twice_is_the_first_of_the_two(tmp_path, capsys):
    site = dst_site(
        tmp_path, {"naive": f"{FALL} 01:30", "first": f"{FALL}T01:50:00-07:00", "second": f"{FALL}T01:05:00-08:00"}
    )
    assert build(site, now=f"{FALL}T12:00:00-08:00") == 0, capsys.readouterr().err
    assert order_on(site, "/national/")[:3] == ["second", "first", "naive"]
    assert f"{FALL}T01:30:00-07:00" in read(site, "/national/naive/")
    assert build(site, now=f"{FALL}T01:40:00-07:00") == 0  # between the first 01:30 and the second
    assert order_on(site, "/national/")[:1] == ["naive"]
    assert "Story first" not in read(site, "/national/") and "Story second" not in read(site, "/national/")


def test_a_naive_clock_in_a_gap_follows_the_same_rule(tmp_path, capsys):
    site = dst_site(tmp_path, {"gap": f"{SPRING} 03:20"})
    assert build(site, now=f"{SPRING}T02:40:00") == 0  # read as 03:40: the story is live
    assert order_on(site, "/national/")[:1] == ["gap"]
    assert build(site, now=f"{SPRING}T02:10:00") == 0  # read as 03:10: not yet
    assert "Story gap" not in read(site, "/national/")


@pytest.mark.parametrize(
    "now",
    [
        "0001-01-01T00:00:00+01:00",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59-08:00",
        "9999-12-31T23:59:59",
        "9999-12-31T23:59:59+00:00",
        "0999-12-31T23:59:59Z",
    ],
)
def test_a_clock_at_the_edges_of_the_calendar_is_a_usage_error(tmp_path, capsys, now):
    site = dst_site(tmp_path, {"a": "2026-02-01 09:00"})
    for command in ("build", "check"):
        assert run(command, "--site", site, "--now", now) == 2
        err = capsys.readouterr().err
        assert "the clock must be between the years 1000 and 9998" in err and "Traceback" not in err
    assert not (site / "public").exists()


@pytest.mark.parametrize(
    "epoch", ["99999999999999999999", "-99999999999999", "253402300800", "-62135596801", "1e10", "0x10", " ", "-1.5"]
)
def test_source_date_epoch_at_the_edges_is_a_usage_error(tmp_path, capsys, monkeypatch, epoch):
    site = dst_site(tmp_path, {"a": "2026-02-01 09:00"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert run("build", "--site", site) == 2
    err = capsys.readouterr().err
    assert "SOURCE_DATE_EPOCH" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_source_date_epoch_zero_builds(tmp_path, capsys, monkeypatch):
    site = dst_site(tmp_path, {"a": "1969-12-31 09:00"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert run("build", "--site", site) == 0, capsys.readouterr().err
    assert os.path.exists(site / "public/national/a/index.html")
