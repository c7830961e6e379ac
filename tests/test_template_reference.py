"""docs/templates.md lists exactly what the code gives templates: each template's variables, the globals and
filters, and the attributes of every type those variables hold."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime

import jinja2
import pytest
from support import NOW, REPO
from theme_site import write_theme_site

from broadsheet.load.article import Correction
from broadsheet.load.config import load_config
from broadsheet.load.extras import load_extras
from broadsheet.load.live import Update
from broadsheet.load.profiles import ProfileText
from broadsheet.load.sources import load_articles
from broadsheet.model.site import build_paper
from broadsheet.plan.images import ImageSet, Variant
from broadsheet.plan.pages import plan_pages, site_view
from broadsheet.plan.regions import plan_regions
from broadsheet.plan.sitemaps import plan_sitemap
from broadsheet.render.draw import render_page
from broadsheet.render.jinja import TEMPLATE_NAMES, make_env
from broadsheet.render.theme import add_theme_globals

REFERENCE = REPO / "docs/templates.md"


def reference() -> dict[str, dict[str, set[str]]]:
    """Read the reference: {top-level heading: {sub-heading or '': names in the first column}}."""
    found: dict[str, dict[str, set[str]]] = {}
    part = sub = ""
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"## (.+)", line):
            part, sub = m.group(1), ""
            found[part] = {}
        elif m := re.match(r"### `(.+)`", line):
            sub = m.group(1)
        elif (m := re.match(r"\| `([^`]+)` \|", line)) and part:
            found[part].setdefault(sub, set()).add(m.group(1))
    return found


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """Draw every page of a site with every page kind, recording the variables each template is given."""
    site_dir = write_theme_site(tmp_path_factory.mktemp("ref") / "site")
    config = load_config(site_dir / "site.toml")
    extras = load_extras(site_dir, config)
    site = build_paper(
        config,
        load_articles(site_dir / "content", config).articles,
        datetime.fromisoformat(NOW),
        pages=extras.pages,
        data=extras.data,
        profiles=extras.profiles,
    )
    pages = list(plan_pages(site).pages)
    ssi = dataclasses.replace(site.editions[0], config=dataclasses.replace(config, includes="ssi"))
    pages += plan_regions(ssi)  # the fragments the server includes (this site's own mode loads live.js)
    index = plan_sitemap(pages, site, max_urls=3)[0]  # a sitemap split into parts, under an index
    pages.append(dataclasses.replace(pages[0], url=index.url, kind="sitemap", template=index.template, view=index.view))
    given: dict[str, dict[str, object]] = {}

    class Recording:  # the one template object render_page asks the environment for
        def __init__(self, name: str):
            self.name = name

        def render(self, **variables) -> str:
            given.setdefault(self.name, {}).update(variables)
            return ""

    class Env:
        def get_template(self, name: str) -> Recording:
            return Recording(name)

    for page in pages:
        render_page(Env(), page, site, site_view(site.editions[0], config))
    return given, config


def test_each_template_gets_exactly_the_variables_the_reference_lists(drawn):
    given, _ = drawn
    ref = reference()
    common = ref["Every template"][""]
    # Every template was drawn at least once; base.html only through the pages that extend it.
    assert set(given) == set(TEMPLATE_NAMES) - {"base.html"}
    documented = {name: names | common for name, names in ref["Templates"].items()}
    assert documented == {name: set(variables) for name, variables in given.items()}


def test_every_type_a_template_can_reach_is_in_the_reference_with_exactly_its_attributes(drawn):
    given, _ = drawn
    types = {
        SiteView_type(given),
        ImageSet,
        Variant,
        Correction,
        Update,
        ProfileText,
    }  # also those this site may not reach
    stack = [v for variables in given.values() for v in variables.values()]
    seen: set[int] = set()
    while stack:
        value = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if dataclasses.is_dataclass(value) and type(value).__module__.startswith("broadsheet"):
            types.add(type(value))
            stack.extend(getattr(value, f.name) for f in dataclasses.fields(value) if f.name != "view")
        elif isinstance(value, (tuple, list)):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
    documented = reference()["Types"]
    assert {t.__name__ for t in types} == set(documented)
    for cls in types:
        offered = {f.name for f in dataclasses.fields(cls)} | {
            name
            for name, member in vars(cls).items()
            if not name.startswith("_") and (isinstance(member, property) or callable(member))
        }
        assert documented[cls.__name__] == offered, cls.__name__


def SiteView_type(given) -> type:  # noqa: N802 (names the type it returns)
    return type(next(iter(given.values()))["site"])


def test_globals_and_filters_are_the_ones_the_reference_lists(drawn, tmp_path):
    _, config = drawn
    env = make_env(tmp_path, config)
    add_theme_globals(env, None, None)  # only the names are compared: neither plan is read
    ours = {name for name in env.globals if name not in jinja2.Environment().globals}
    assert reference()["Globals"][""] == ours
    filters = {name for name in env.filters if name not in jinja2.Environment().filters}
    assert reference()["Filters"][""] == filters


def test_the_reference_would_catch_a_variable_it_does_not_list(drawn):
    given, _ = drawn
    documented = reference()["Templates"]["article.html"] | reference()["Every template"][""]
    assert documented == set(given["article.html"])
    assert documented != set(given["article.html"]) | {"breaking"}  # what a new view key would be
