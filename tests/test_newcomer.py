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
