"""serve and watch apply scheduled changes by themselves: at the next change's instant the session builds again,
with its clock moved on. The clock is injected; nothing sleeps."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from support import article, clean_build, tree_snapshot, write_site

from broadsheet.options import BuildOptions
from broadsheet.preview.session import Session
from broadsheet.preview.watch import ChangeQueue, Rebuilt, rebuild_forever

NOW = datetime.fromisoformat("2026-02-12T12:00:00-08:00")


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def scheduled_site(site):
    return write_site(
        site,
        {
            "content/old.md": article("Already out", date="2026-02-12 09:00"),
            "content/later.md": article("Goes live at one", date="2026-02-12 13:00"),
            "content/banner.md": article("Breaking until two", date="2026-02-12 10:00", breaking="2026-02-12 14:00"),
        },
    )


def run_until(session: Session, builds: int) -> list[Rebuilt]:
    """Run the rebuild loop until it has built `builds` times, then close its queue."""
    queue, done = ChangeQueue(), []

    def on_done(rebuilt: Rebuilt) -> None:
        done.append(rebuilt)
        if len(done) == builds:
            queue.close()

    rebuild_forever(session, queue, on_done)
    return done


@pytest.mark.slow
def test_the_session_rebuilds_at_the_next_change_with_its_clock_moved_on(site, tmp_path):
    scheduled_site(site)
    clock = Clock(NOW)
    session = Session(BuildOptions(site, tmp_path / "live", NOW, jobs=1), clock)
    session.rebuild()
    assert session.seconds_to_next_change() == 3600.0  # the story going live at 13:00
    assert not (tmp_path / "live/national/later/index.html").exists()
    clock.now = NOW + timedelta(hours=1)  # the loop finds the change due at once: no file changed, no waiting
    [rebuilt] = run_until(session, 1)
    assert rebuilt.ok and rebuilt.batch.scheduled
    assert tree_snapshot(tmp_path / "live") == clean_build(site, tmp_path, "--jobs", "1", now=clock.now)
    assert session.seconds_to_next_change() == 3600.0  # next: the banner ends at 14:00
    clock.now = NOW + timedelta(hours=2, minutes=5)
    run_until(session, 1)
    assert tree_snapshot(tmp_path / "live") == clean_build(site, tmp_path, "--jobs", "1", now=clock.now)
    assert "Breaking until two" not in (tmp_path / "live/national/old/index.html").read_text().split("<main", 1)[0]
    assert session.seconds_to_next_change() is None
    session.close()


def test_a_save_is_built_at_the_clock_of_that_moment(site, tmp_path):
    scheduled_site(site)
    clock = Clock(NOW)
    session = Session(BuildOptions(site, tmp_path / "live", NOW, jobs=1), clock)
    session.rebuild()
    clock.now = NOW + timedelta(hours=1, minutes=30)
    (site / "content/old.md").write_text(article("Already out, edited", date="2026-02-12 09:00"))
    session.rebuild({site / "content/old.md"})
    assert tree_snapshot(tmp_path / "live") == clean_build(site, tmp_path, "--jobs", "1", now=clock.now)
    session.close()


def test_with_a_fixed_clock_nothing_is_scheduled(site, tmp_path):
    scheduled_site(site)
    session = Session(BuildOptions(site, tmp_path / "live", NOW, jobs=1))  # --now: the preview stays at it
    session.rebuild()
    assert session.seconds_to_next_change() is None
    session.close()
