"""Jinja: the templates, the environment and the filters they use."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2

from broadsheet import urls
from broadsheet.errors import Problem
from broadsheet.load.config import Config
from broadsheet.paths import ConfinedLoader, read_regular
from broadsheet.stamps import digest

TEMPLATE_NAMES = (
    "base.html", "home.html", "section.html", "article.html", "author.html",
    "authors.html", "tag.html", "tags.html", "404.html", "search.html",
    "feed.xml", "rss.xml", "sitemap.xml", "sitemap-index.xml", "news-sitemap.xml", "robots.txt",
)


# Says which input reading obj.attribute is (None: a plain value); see incremental/deps.py.
DependencyOf = Callable[[Any, Any], tuple | None]
TemplateDependency = Callable[[str], tuple]


class TrackingEnvironment(jinja2.Environment):
    """A Jinja environment that can record what a render reads from the site model and which templates.

    Jinja routes every `x.y`, `x["y"]` and template load through the environment; while `recording` is a
    set, each read that `dependency_of` names is added to it.
    """

    recording: set[tuple] | None = None
    dependency_of: DependencyOf = staticmethod(lambda obj, attribute: None)
    template_dependency: TemplateDependency = staticmethod(lambda name: ("template", name))

    def getattr(self, obj: Any, attribute: str) -> Any:
        if self.recording is not None and (dep := self.dependency_of(obj, attribute)) is not None:
            self.recording.add(dep)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if self.recording is not None and (dep := self.dependency_of(obj, argument)) is not None:
            self.recording.add(dep)
        return super().getitem(obj, argument)

    def _load_template(self, name: Any, globals: Any) -> jinja2.Template:
        # Every extends/include/import and render_page's own lookup comes through here.
        if self.recording is not None and isinstance(name, str):
            self.recording.add(self.template_dependency(name))
        return super()._load_template(name, globals)


@dataclass(frozen=True, slots=True)
class Templates:
    """The site's templates: the environment that draws them, each file's digest, and their problems."""

    env: TrackingEnvironment
    digests: dict[str, bytes]  # every file under templates/, by relative name
    config: Config  # what the environment's filters were made with
    problems: tuple[Problem, ...] = ()


def load_templates(templates_dir: Path, config: Config, previous: Templates | dict[str, bytes] | None = None,
                   changed: bool = True) -> Templates:
    """Compile the templates and check them, unless none `changed` since `previous`.

    `previous`: the last build's templates, or in a new process only their digests (then the environment
    is made again, but templates that passed the last build's checks are not checked again).
    """
    if not changed and isinstance(previous, Templates) and previous.config == config:
        return previous
    if not changed and isinstance(previous, dict):
        return Templates(make_env(templates_dir, config), previous, config)
    digests = template_digests(templates_dir)
    if isinstance(previous, Templates) and previous.config == config and previous.digests == digests:
        return previous
    env = make_env(templates_dir, config)
    return Templates(env, digests, config, tuple(check_templates(env, templates_dir)))


def template_digests(templates_dir: Path) -> dict[str, bytes]:
    """Return every file under templates/ (by relative name) with the digest of its bytes."""
    digests: dict[str, bytes] = {}
    for root, dirs, files in os.walk(templates_dir):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            if (data := read_regular(path)) is not None:  # a FIFO is reported (paths.link_problems), never read
                digests[path.relative_to(templates_dir).as_posix()] = digest(data)
    return digests


def make_env(templates_dir: Path, config: Config) -> jinja2.Environment:
    """Build the Jinja environment: autoescaped, strict, reading only templates/."""
    env = TrackingEnvironment(
        loader=ConfinedLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a build reads each template once; a changed template means a new environment
    )
    tz = config.timezone

    def local(dt: datetime | date) -> datetime | date:
        # A plain date (the edition) has no time zone to convert.
        return dt.astimezone(tz) if isinstance(dt, datetime) else dt

    env.filters["local"] = local
    env.filters["dateline"] = lambda dt: local(dt).strftime(config.date_format)
    env.filters["isodate"] = lambda dt: local(dt).isoformat()
    env.filters["edition_date"] = lambda dt: f"{local(dt):%A, %B} {local(dt).day}, {local(dt).year}"
    env.filters["absolute"] = lambda url: urls.absolute(config.base_url, url)
    return env


def check_templates(env: jinja2.Environment, templates_dir: Path) -> list[Problem]:
    """Compile every template, and make sure each one the pages need exists."""
    problems: list[Problem] = []
    for name in env.list_templates():
        if is_template(name):
            try:
                env.get_template(name)
            except jinja2.TemplateSyntaxError as e:
                problems.append(Problem(templates_dir / name, e.lineno, f"template syntax error: {e.message}"))
    existing = set(env.list_templates())
    for name in TEMPLATE_NAMES:
        if name not in existing:
            problems.append(Problem(templates_dir / name, None, "required template is missing"))
    return problems


def is_template(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return not base.startswith(".") and not base.endswith("~") and name.endswith((".html", ".xml", ".txt", ".json"))


