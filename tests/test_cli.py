"""The command line as a user runs it: python build.py, broadsheet, and `new`."""

from __future__ import annotations

import subprocess
import sys

import frontmatter
from support import REPO, article, run, write_site


def test_bare_build_py_builds_into_public(site):
    write_site(site, {"content/a.md": article("Hello")})
    proc = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--now", "2026-02-12T12:00:00Z"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert (site / "public/national/a/index.html").exists()
    assert "Built" in proc.stdout and "1 article" in proc.stdout and "static files" in proc.stdout


def test_build_py_exit_code_for_bad_content(site):
    write_site(site, {"content/a.md": article("Hello", section="Nowhere")})
    proc = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--site", str(site)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "content/a.md:3: unknown section 'Nowhere'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_new_scaffolds_a_draft_in_site_time_and_never_overwrites(site, capsys):
    write_site(site, {})
    assert (
        run(
            "new",
            "Council backs ferry plan",
            "--section",
            "Arts & Culture",
            "--author",
            "Ann Writer",
            "--site",
            site,
            "--now",
            "2026-02-12T20:30:00Z",
        )
        == 0
    )
    path = site / "content/arts-culture/council-backs-ferry-plan.md"
    post = frontmatter.load(path)
    assert post["title"] == "Council backs ferry plan" and post["section"] == "Arts & Culture"
    assert post["author"] == "Ann Writer" and post["draft"] is True
    assert str(post["date"]).startswith("2026-02-12T12:30:00-08:00")
    path.write_text(path.read_text() + "My words.\n")
    assert run("new", "Council backs ferry plan", "--section", "Arts & Culture", "--site", site) == 2
    assert "already exists" in capsys.readouterr().err
    assert path.read_text().endswith("My words.\n")
    assert run("new", "X", "--section", "Sprots", "--site", site) == 2
    assert "did you mean 'Sports'" in capsys.readouterr().err
    # The scaffold builds (as a draft, visible with --drafts).
    assert run("build", "--site", site, "--drafts", "--now", "2026-02-13T00:00:00Z") == 0
    assert (site / "public/arts-culture/council-backs-ferry-plan/index.html").exists()


def test_sample_site_builds_with_its_draft_and_scheduled_story_hidden(tmp_path):
    out = tmp_path / "out"
    assert run("build", "--site", REPO, "--output", out, "--now", "2026-11-25T12:00:00-08:00") == 0
    html = (out / "index.html").read_text()
    for name in ("National", "International", "Business", "Arts &amp; Culture", "Sports", "Opinion"):
        assert f">{name}</a>" in html
    assert not (out / "national/port-authority-dredging-audit").exists()
    assert not (out / "business/kelpworks-cedar-point-plant").exists()
    assert len(list(out.glob("*/*/index.html"))) >= 30
