"""Jinja: the environment, the filters templates use, and turning pages into bytes."""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path

import jinja2

from . import urls
from .config import Config
from .errors import BuildError, Problem
from .pages import Page, SiteView
from .paths import ConfinedLoader

TEMPLATE_NAMES = (
    "base.html", "home.html", "section.html", "article.html", "author.html",
    "authors.html", "tag.html", "tags.html", "404.html", "search.html",
    "feed.xml", "rss.xml", "sitemap.xml", "sitemap-index.xml", "news-sitemap.xml", "robots.txt",
)


def make_env(templates_dir: Path, config: Config) -> jinja2.Environment:
    """Build the Jinja environment: autoescaped, strict, reading only templates/."""
    env = jinja2.Environment(
        loader=ConfinedLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    tz = config.timezone

    def local(dt: datetime) -> datetime:
        return dt.astimezone(tz)

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


def render_page(env: jinja2.Environment, page: Page, site: SiteView) -> bytes:
    """Render one page to bytes; template errors propagate."""
    template = env.get_template(page.template)
    return template.render(site=site, page=page, **page.view).encode("utf-8")


def render(pages: list[Page], env: jinja2.Environment, site: SiteView, templates_dir: Path) -> dict[str, bytes]:
    """Render every page, collecting template errors (each reported once) into a BuildError."""
    files: dict[str, bytes] = {}
    problems: dict[tuple, Problem] = {}
    for page in pages:
        try:
            files[page.output_path] = render_page(env, page, site)
        except jinja2.TemplateError as e:
            p = template_problem(e, templates_dir, page)
            problems.setdefault((p.path, p.line, p.message), p)
        except (RecursionError, ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as e:
            # A template that includes itself, or divides by zero, is a template error like any other.
            p = template_problem(e, templates_dir, page)
            problems.setdefault((p.path, p.line, p.message), p)
    if problems:
        raise BuildError(list(problems.values()))
    return files


def template_problem(e: jinja2.TemplateError, templates_dir: Path, page: Page) -> Problem:
    """Name the template file and line that raised, with the page being drawn."""
    if isinstance(e, jinja2.TemplateSyntaxError) and e.filename:
        return Problem(Path(e.filename), e.lineno, f"template syntax error: {e.message}")
    if isinstance(e, jinja2.TemplateNotFound):
        where = _template_frame(e, templates_dir)
        path, line = where if where else (templates_dir / page.template, None)
        return Problem(path, line, f"template not found: {e.name}")
    where = _template_frame(e, templates_dir)
    path, line = where if where else (templates_dir / page.template, None)
    return Problem(path, line, f"{e} (rendering a {page.kind} page)")


def _template_frame(e: BaseException, templates_dir: Path) -> tuple[Path, int] | None:
    root = templates_dir.resolve()
    found = None
    for frame in traceback.extract_tb(e.__traceback__):
        if frame.filename and Path(frame.filename).resolve().is_relative_to(root):
            found = (Path(frame.filename), frame.lineno)
    return found
