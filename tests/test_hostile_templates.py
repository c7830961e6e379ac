"""The template side: errors name the template and line, and no template reads a file outside templates/."""

from __future__ import annotations

import faulthandler
import shutil
import sys
from datetime import datetime
from pathlib import Path

import pytest
from hostile_support import refused
from support import NOW, REPO, article, build, read, run, write_site

from broadsheet import BuildError
from broadsheet.options import BuildOptions
from broadsheet.run import build_with_cache


@pytest.fixture
def world(tmp_path: Path) -> Path:
    write_site(tmp_path / "site", {"content/national/a.md": article("First story")})
    (tmp_path / "secret.txt").write_text("password=hunter2")
    assert build(tmp_path / "site") == 0
    return tmp_path


def with_article_template(world: Path, line: str) -> tuple[Path, int]:
    """Put `line` into article.html's main block; return the template and the line number."""
    path = world / "site/templates/article.html"
    lines = (REPO / "templates/article.html").read_text().splitlines(keepends=True)
    at = next(n for n, text in enumerate(lines) if "{% block main %}" in text) + 1
    path.write_text("".join([*lines[:at], line + "\n", *lines[at:]]))
    return path, at + 1


def test_undefined_variable_names_the_template_and_line(world, capsys):
    path, line = with_article_template(world, "{{ no_such_thing.title }}")
    err = refused(world, capsys, "--site", world / "site", code=1)
    assert f"{path}:{line}: 'no_such_thing' is undefined" in err


@pytest.mark.slow
def test_missing_template_names_the_including_template_and_line(world, capsys):
    path, line = with_article_template(world, '{% include "partials/nope.html" %}')
    err = refused(world, capsys, "--site", world / "site", code=1)
    assert f"{path}:{line}: template not found: partials/nope.html" in err


def test_required_template_missing_from_the_site_and_the_theme_is_named(world):
    # Missing from the site alone, the theme's is drawn (tests/test_theme_layers.py); missing from both is an error.
    (world / "site/templates/tag.html").unlink()
    theme = world / "theme"
    shutil.copytree(REPO / "templates", theme / "templates", ignore=shutil.ignore_patterns("tag.html"))
    with pytest.raises(BuildError) as e:
        build_with_cache(
            BuildOptions(
                site_dir=world / "site", out_dir=world / "site/public", now=datetime.fromisoformat(NOW), theme_dir=theme
            )
        )
    assert [(p.path, p.message) for p in e.value.problems] == [
        (world / "site/templates/tag.html", "required template is missing, here and in the theme")
    ]


@pytest.mark.parametrize(
    "name",
    ["../site.toml", "../../secret.txt", "partials/../../site.toml", "/etc/passwd", "partials/../../../secret.txt"],
)
def test_a_template_cannot_include_files_outside_templates(world, capsys, name):
    path, line = with_article_template(world, f'{{% include "{name}" %}}')
    err = refused(world, capsys, "--site", world / "site", code=1)
    assert f"{path}:{line}: template not found" in err
    assert "hunter2" not in err and "root:" not in err


def test_a_template_symlink_leading_outside_is_reported_and_never_read(world, capsys):
    link = world / "site/templates/partials/leak.html"
    link.symlink_to(world / "secret.txt")
    with_article_template(world, '{% include "partials/leak.html" %}')
    err = refused(world, capsys, "--site", world / "site", code=1)
    assert f"{link}: symbolic link leads outside the site (to {world / 'secret.txt'}); it is not followed" in err
    assert "hunter2" not in err


def test_the_loader_itself_refuses_a_link_outside(world):
    """Defence in depth: even without the build's link check, the loader will not read through the link."""
    import jinja2

    from broadsheet.load.config import load_config
    from broadsheet.render.jinja import make_env

    (world / "site/templates/partials/leak.html").symlink_to(world / "secret.txt")
    env = make_env(world / "site/templates", load_config(world / "site/site.toml"))
    assert "partials/leak.html" not in env.list_templates()
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("partials/leak.html")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{% include "article.html" %}', "maximum recursion depth exceeded"),
        ("{{ 1 // 0 }}", "by zero"),
        ("{{ [1][5] }}", "list object has no element 5"),
    ],
)
def test_a_template_that_recurses_or_computes_nonsense_is_named(world, capsys, line, message):
    path, n = with_article_template(world, line)
    err = refused(world, capsys, "--site", world / "site", code=1)
    exact = "recursion" not in message  # a recursion stops wherever the stack runs out, in the same template
    assert (f"{path}:{n}: " if exact else f"{path}:") in err and message in err


ENDLESS = [
    "{% for x in range(10 ** 12) %}{% endfor %}",
    # A macro that calls itself twice at each of 60 levels: 2**61 calls, never deeper than 60.
    "{% macro spin(n) %}{% if n %}{{ spin(n - 1) }}{{ spin(n - 1) }}{% endif %}{% endmacro %}{{ spin(60) }}",
]


@pytest.fixture
def backstop():
    """End the run (exit 1), rather than hang it, should a page be drawn for ever despite the limit."""
    # A watchdog thread in C: no signal to clash with the limit's SIGALRM, no Python thread to stop a fork.
    faulthandler.dump_traceback_later(300, exit=True, file=sys.__stderr__)
    yield
    faulthandler.cancel_dump_traceback_later()


def with_render_time_limit(world: Path, seconds: float) -> None:
    toml = world / "site/site.toml"
    toml.write_text(toml.read_text() + f"render_time_limit = {seconds}\n")


@pytest.mark.slow
@pytest.mark.parametrize("line", ENDLESS, ids=["loop", "macro"])
def test_a_template_that_never_ends_is_stopped_at_the_time_limit_naming_the_page(world, capsys, line, backstop):
    path, n = with_article_template(world, line)
    with_render_time_limit(world, 0.3)
    # The previous output stays exactly as it was (refused() compares the whole world before and after).
    err = refused(world, capsys, "--site", world / "site", code=1)
    assert (
        f"{path}:{n}: took longer than 0.3 s to draw (render_time_limit); does a loop in the template never "
        "end? (drawing /national/a/, an article page"
    ) in err
    assert err.count("took longer") == 1  # only the story's page runs the loop; the others were drawn in time
    assert run("check", "--site", world / "site", "--now", NOW) == 1  # check draws every page too
    assert f"{path}:{n}: took longer than 0.3 s to draw" in capsys.readouterr().err


@pytest.mark.slow
def test_a_template_that_never_ends_is_stopped_in_a_worker_process(world, capsys, monkeypatch, backstop, forks):
    from broadsheet.render import draw

    monkeypatch.setattr(draw, "PARALLEL_RENDER_MIN", 2)  # a small site through worker processes, as a big one goes
    monkeypatch.setattr(draw, "CHUNK", 1)
    path, n = with_article_template(world, ENDLESS[0])
    with_render_time_limit(world, 0.3)
    err = refused(world, capsys, "--site", world / "site", "--jobs", "2", code=1)
    assert forks, "no worker process was started"
    assert f"{path}:{n}: took longer than 0.3 s to draw (render_time_limit)" in err
    assert "(drawing /national/a/, an article page" in err


def test_the_render_time_limit_leaves_pages_that_draw_in_time_alone(world, capsys):
    with_article_template(world, "{% for x in range(1000) %}{% endfor %}<p>drawn in time</p>")
    with_render_time_limit(world, 30)
    assert run("build", "--site", world / "site", "--now", NOW) == 0, capsys.readouterr().err
    assert "drawn in time" in read(world / "site", "/national/a/")
