"""A process compiles each template once (render/jinja.py's COMPILED), and never draws a page with the code of
another source: another site's template of the same name, or the file as it was before an edit."""

from __future__ import annotations

import jinja2
import pytest
from support import article, build, read, write_site

from broadsheet.render import jinja
from broadsheet.render.jinja import CompiledTemplates

STORY = {"content/a.md": article("A story")}
ROBOTS = "User-agent: *\nDisallow: /{{ site.title | lower | replace(' ', '-') }}-{}/\n"


@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    """The names of the templates Jinja compiles during the test, which starts with nothing compiled."""
    monkeypatch.setattr(jinja, "COMPILED", CompiledTemplates())
    names: list[str] = []
    real = jinja2.Environment.compile

    def counting(env, source, name=None, filename=None, raw=False, defer_init=False):
        names.append(name)
        return real(env, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def test_two_sites_with_one_template_name_and_different_sources_draw_their_own(tmp_path, compiles):
    one = write_site(tmp_path / "one", {**STORY, "templates/robots.txt": ROBOTS.replace("{}", "one")})
    two = write_site(tmp_path / "two", {**STORY, "templates/robots.txt": ROBOTS.replace("{}", "two")})
    assert build(one) == 0
    compiled_by_one = len(compiles)
    assert build(two) == 0
    assert "Disallow: /the-test-gazette-one/" in read(one, "/robots.txt")
    assert "Disallow: /the-test-gazette-two/" in read(two, "/robots.txt")
    assert "two" not in read(one, "/robots.txt") and "one" not in read(two, "/robots.txt")
    # The second site compiled only the template whose source differs; the rest is the first site's code.
    assert compiled_by_one > 10 and compiles[compiled_by_one:] == ["robots.txt"]


def test_a_template_edited_between_builds_in_one_process_draws_the_edit_and_undoing_it_draws_the_old(site):
    write_site(site, {**STORY, "templates/robots.txt": ROBOTS.replace("{}", "before")})
    assert build(site) == 0
    assert "-before/" in read(site, "/robots.txt")
    (site / "templates/robots.txt").write_text(ROBOTS.replace("{}", "after"), encoding="utf-8")
    assert build(site) == 0
    assert "-after/" in read(site, "/robots.txt") and "before" not in read(site, "/robots.txt")
    (site / "templates/robots.txt").write_text(ROBOTS.replace("{}", "before"), encoding="utf-8")
    assert build(site) == 0
    assert "-before/" in read(site, "/robots.txt") and "after" not in read(site, "/robots.txt")


def test_an_error_in_code_compiled_for_another_site_names_this_sites_file(tmp_path, capsys, compiles):
    broken = {**STORY, "templates/section.html": "{% extends 'base.html' %}\n{% block main %}\n{{ section.nmae }}\n"}
    broken["templates/section.html"] += "{% endblock %}\n"
    one, two = write_site(tmp_path / "one", broken), write_site(tmp_path / "two", broken)
    assert build(one) == 1
    assert f"{one / 'templates/section.html'}:3: " in capsys.readouterr().err
    compiled_by_one = len(compiles)
    assert build(two) == 1
    err = capsys.readouterr().err
    assert compiles[compiled_by_one:] == []  # every template of the second site is the first site's code
    assert f"{two / 'templates/section.html'}:3: " in err and "nmae" in err and str(one) not in err


def test_environments_that_compile_a_source_differently_do_not_share_its_code():
    cache = CompiledTemplates()
    source = {"t.html": "{% if x %}\n  {{ x | shout }}\n{% endif %}\n"}
    plain = jinja2.Environment(loader=jinja2.DictLoader(source), bytecode_cache=cache)
    trimmed = jinja2.Environment(
        loader=jinja2.DictLoader(source), bytecode_cache=cache, trim_blocks=True, lstrip_blocks=True
    )
    plain.filters["shout"] = trimmed.filters["shout"] = str.upper
    passing = jinja2.Environment(loader=jinja2.DictLoader(source), bytecode_cache=cache)
    passing.filters["shout"] = jinja2.pass_context(lambda context, value: f"{value}!{context['x']}")
    assert plain.get_template("t.html").render(x="a") == "\n  A\n"
    assert trimmed.get_template("t.html").render(x="a") == "  A\n"
    assert passing.get_template("t.html").render(x="a") == "\n  a!a\n"
    assert len(cache) == 3


def test_the_cache_keeps_only_the_templates_used_last():
    cache = CompiledTemplates(size=2)
    sources = {name: f"{name} {{{{ 1 + 1 }}}}" for name in ("a", "b", "c")}
    env = jinja2.Environment(loader=jinja2.DictLoader(sources), bytecode_cache=cache, cache_size=0)
    for name in ("a", "b", "a", "c"):  # "a" used again before "c" comes: "b" is the one that goes
        assert env.get_template(name).render() == f"{name} 2"
    assert len(cache) == 2
    compiled: list[str] = []
    env.compile = lambda source, name=None, *args: (
        compiled.append(name)
        or jinja2.Environment.compile(  # type: ignore[method-assign]
            env, source, name, *args
        )
    )
    for name in ("a", "c", "b"):
        assert env.get_template(name).render() == f"{name} 2"
    assert compiled == ["b"]
