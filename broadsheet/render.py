"""Jinja: the environment, the filters templates use, and turning pages into bytes."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2

from . import urls
from .cache import PageRecord, digest
from .config import Config
from .deps import Model, dep_of, view_deps
from .errors import BuildError, Problem
from .output import Stage
from .pages import Page, drawn_view
from .parallel import run_chunks
from .paths import ConfinedLoader

TEMPLATE_NAMES = (
    "base.html", "home.html", "section.html", "article.html", "author.html",
    "authors.html", "tag.html", "tags.html", "404.html", "search.html",
    "feed.xml", "rss.xml", "sitemap.xml", "sitemap-index.xml", "news-sitemap.xml", "robots.txt",
)


class TrackingEnvironment(jinja2.Environment):
    """A Jinja environment that can record what a render reads from the site model (see deps.py)."""

    recording: set[tuple] | None = None

    def getattr(self, obj: Any, attribute: str) -> Any:
        if self.recording is not None and (dep := dep_of(obj, attribute)) is not None:
            self.recording.add(dep)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if self.recording is not None and (dep := dep_of(obj, argument)) is not None:
            self.recording.add(dep)
        return super().getitem(obj, argument)

    def _load_template(self, name: Any, globals: Any) -> jinja2.Template:
        # Every extends/include/import and render_page's own lookup comes through here.
        if self.recording is not None and isinstance(name, str):
            self.recording.add(("t", name))
        return super()._load_template(name, globals)


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


def render_page(env: jinja2.Environment, page: Page, model: Model) -> bytes:
    """Render one page of the model's site to bytes; template errors propagate."""
    template = env.get_template(page.template)
    return template.render(site=model.view, page=page, **drawn_view(page, model.site)).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Rendered:
    """What rendering the plan produced: a record per page, and the files that changed."""

    records: dict[str, PageRecord]  # url -> record, for every page of the plan
    written: dict[str, str]  # output path -> URL, for every page whose bytes changed
    rendered: int  # pages actually drawn (the rest were unchanged by fingerprint)


PARALLEL_RENDER_MIN = 400  # fewer pages than this render faster in-process than through a pool
CHUNK = 128


def render(
    pages: list[Page], env: jinja2.Environment, model: Model, records: dict[str, PageRecord],
    known: dict[str, bytes], stage: Stage | None, jobs: int = 1, check: bool = True,
) -> Rendered:
    """Render the pages whose inputs changed; stage those whose bytes differ from `known` (path -> digest).

    `check=False`: the caller knows every page given read something that changed; draw them all.
    Template errors are collected (each reported once) into a BuildError.
    """
    templates_dir = Path(env.loader.searchpath[0])
    todo = [i for i, page in enumerate(pages) if not (check and is_fresh(page, model, records, known, stage))]
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    parallel = jobs if len(todo) >= PARALLEL_RENDER_MIN else 1
    results = run_chunks(_render_chunk, chunks, parallel, pages, env, model, known, stage, templates_dir)
    fresh = dict(records)
    written: dict[str, str] = {}
    problems: dict[tuple, Problem] = {}
    shared: dict[tuple, tuple] = {}  # one object per distinct dependency: 3.6 million tuples at 100,000 stories
    for chunk in results:
        for item in chunk:
            if isinstance(item, Problem):
                problems.setdefault((item.path, item.line, item.message), item)
                continue
            url, rel, record, changed = item
            record.deps = tuple([shared.setdefault(d, d) for d in record.deps])
            fresh[url] = record
            if changed:
                written[rel] = url
    if problems:
        raise BuildError(list(problems.values()))
    return Rendered({p.url: fresh[p.url] for p in pages}, written, len(todo))


def is_fresh(page: Page, model: Model, records: dict[str, PageRecord], known: dict[str, bytes], stage: Stage | None) -> bool:
    """Tell whether a page's last rendering still holds and, when writing, is what the output folder has."""
    record = records.get(page.url)
    if record is None or model.fingerprint(model.static_part(page), record.deps) != record.fingerprint:
        return False
    return stage is None or known.get(page.output_path) == record.digest


def _render_chunk(
    indices: list[int], pages: list[Page], env: TrackingEnvironment, model: Model, known: dict[str, bytes],
    stage: Stage | None, templates_dir: Path,
) -> list[tuple[str, str, PageRecord, bool] | Problem]:
    out: list[tuple[str, str, PageRecord, bool] | Problem] = []
    for i in indices:
        page = pages[i]
        env.recording = set()
        try:
            data = render_page(env, page, model)
        except (jinja2.TemplateError, RecursionError, ArithmeticError, LookupError, TypeError, ValueError,
                AttributeError) as e:
            # A template that includes itself, or divides by zero, is a template error like any other.
            out.append(template_problem(e, templates_dir, page))
            continue
        finally:
            deps, env.recording = tuple(sorted(env.recording | view_deps(page))), None
        record = PageRecord(model.fingerprint(model.static_part(page), deps) or b"", deps, digest(data))
        changed = stage is not None and known.get(page.output_path) != record.digest
        if changed:
            stage.put(page.output_path, data)
        out.append((page.url, page.output_path, record, changed))
    return out


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
