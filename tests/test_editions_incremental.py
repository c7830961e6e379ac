"""A paper of several editions is edited in place like a paper of one: a body, a headline or the clock
changes only what it reaches, and the result equals a clean build, in a session and in a new process."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime, timedelta

from support import bilingual, clean_build, tree_snapshot

from broadsheet import pipeline
from broadsheet.options import BuildOptions
from broadsheet.preview.session import Session
from broadsheet.run import build_with_cache

NOW = datetime.fromisoformat("2026-02-12T12:00:00-08:00")


def test_edits_in_place_of_a_bilingual_paper_plan_nothing_anew_and_equal_a_clean_build(tmp_path, monkeypatch):
    site = bilingual(tmp_path / "site")
    plans: list[int] = []
    real = pipeline.plan_pages
    monkeypatch.setattr(pipeline, "plan_pages", lambda *args: plans.append(1) or real(*args))
    opts = BuildOptions(site, tmp_path / "live", NOW, jobs=1)
    session = Session(opts)
    session.rebuild()
    build_with_cache(replace(opts, out_dir=tmp_path / "public"))
    punjabi, english = site / "content/pa-ferry.md", site / "content/ferry.md"
    steps = [
        (punjabi, ("ਅਪ੍ਰੈਲ ਵਿੱਚ ਕਿਰਾਏ ਵਧਣਗੇ।", "ਅਪ੍ਰੈਲ ਵਿੱਚ ਕਿਰਾਏ ਦਸ ਫ਼ੀਸਦੀ ਵਧਣਗੇ।"), NOW),  # a body
        (english, ("Ferry fares rise", "Ferry fares rise in April"), NOW),  # a headline, on a story with versions
        (punjabi, ("ਫੈਰੀ ਦੇ ਕਿਰਾਏ ਵਧੇ", "ਫੈਰੀ ਦੇ ਕਿਰਾਏ ਫਿਰ ਵਧੇ"), NOW + timedelta(days=1)),  # and the next day
    ]
    for n, (path, (old, new), now) in enumerate(steps, 1):
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
        os.utime(path, ns=(10**18 + n, 10**18 + n))  # an old, distinct time: the paths that trust stats
        before = len(plans)
        session.rebuild({path}, now=now)
        build_with_cache(replace(opts, out_dir=tmp_path / "public", now=now))
        assert len(plans) == before, f"step {n} planned the paper anew"
        expected = clean_build(site, tmp_path, now=now)
        assert tree_snapshot(tmp_path / "live") == expected, n
        assert tree_snapshot(tmp_path / "public") == expected, n
    session.close()
    english_page = (tmp_path / "public/national/ferry/index.html").read_text(encoding="utf-8")
    assert "Ferry fares rise in April" in english_page and 'hreflang="pa"' in english_page
