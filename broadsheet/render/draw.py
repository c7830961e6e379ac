"""Drawing pages: the plan's pages through the templates into bytes, skipping those whose inputs are unchanged."""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import jinja2

from broadsheet import urls
from broadsheet.deadline import time_limit
from broadsheet.errors import BuildError, Problem, display_path
from broadsheet.model.site import Paper
from broadsheet.parallel import each_chunk
from broadsheet.plan.pages import Page, Plan, SiteView, drawn_view
from broadsheet.render.jinja import TrackingEnvironment, template_file, template_roots
from broadsheet.stamps import digest

PARALLEL_RENDER_MIN = 400  # fewer pages than this render faster in-process than through a pool
CHUNK = 128
STEP = 16  # pages drawn between two looks at what is waited for (a lookout's: serve draws in-process)


class RenderTimeout(Exception):
    """Drawing one page took longer than render_time_limit (a template loop that never ends)."""


class Inputs(Protocol):
    """What a page can read while it is drawn, and the fingerprint of those values (incremental/deps.py)."""

    paper: Paper
    view: SiteView

    def dependency_of(self, obj: Any, attribute: Any) -> tuple | None: ...

    def template_dependency(self, name: str) -> tuple: ...

    def implied(self, page: Page) -> set[tuple]: ...

    def entry(self, page: Page) -> bytes: ...

    def same_entry(self, old: Page, new: Page) -> bool: ...

    def fingerprint(self, page: Page, deps: tuple, entry: bytes | None = None) -> bytes | None: ...


class Sink(Protocol):
    """Where drawn files go (a stage beside the output folder)."""

    def put(self, rel: str, data: bytes) -> None: ...


class Lookout(Protocol):
    """Who waits for which pages while they are drawn (the preview's open tabs and requests: preview/lookout.py)."""

    def drawing(self, rels: frozenset[str], sink: Sink | None) -> None: ...  # these pages are about to be drawn

    def wanted(self) -> list[str]: ...  # the pages waited for now, to draw before any other

    def ready(self, rel: str, changed: bool) -> None: ...  # drawn (and staged in the sink, if its bytes changed)


@dataclass(frozen=True, slots=True)
class PageRecord:
    """A page as last drawn: its fingerprint, the inputs it read, the digest of its bytes, and the digest of its
    plan entry (which a page planned alike again reuses instead of encoding its view once more)."""

    fingerprint: bytes
    deps: tuple
    digest: bytes
    entry: bytes = b""


@dataclass(frozen=True, slots=True)
class PageProblem:
    """A template mistake met while drawing one page: the same mistake on many pages is reported once."""

    problem: Problem  # the template file and line, and what is wrong there
    page: str  # which page was being drawn, and the story it was reading


@dataclass(frozen=True, slots=True)
class Rendered:
    """What drawing the plan produced: a record per page, and the files whose bytes changed."""

    records: dict[str, PageRecord]  # url -> record, for every page of the plan
    written: dict[str, bytes]  # output path -> digest, for every page staged because its bytes changed
    drawn: int  # pages actually drawn (the rest were unchanged)


def render_page(env: jinja2.Environment, page: Page, site: Paper, view: SiteView) -> bytes:
    """Draw one page of the site to bytes; template errors propagate."""
    template = env.get_template(page.template)
    text = template.render(**{"site": view, "page": page, **drawn_view(page, site)})  # an edition's page: its own site
    if page.template.endswith(".html") and (prefix := urls.base_path(site.config.base_url)):
        text = urls.under_path(text, prefix)
    return text.encode("utf-8")


def render(
    plan: Plan,
    env: TrackingEnvironment,
    inputs: Inputs,
    previous: Mapping[str, PageRecord],
    held: Mapping[str, Any] | None,
    sink: Sink | None,
    jobs: int = 1,
    trusted: bool = False,
    planned: tuple[Page, ...] = (),
    lookout: Lookout | None = None,
) -> Rendered:
    """Draw the pages whose inputs changed; stage in `sink` those whose bytes differ from the files `held`.

    `previous`: the records of the last drawing; `held`: the output folder's files, each with a `digest`
    (None: only checking, nothing is written). With `plan.stale` the plan names the pages that read
    something changed (or was never drawn), and every other page is taken as unchanged; without it, each page's fingerprint
    is checked. A page is also drawn when the folder does not hold what it last gave, unless the folder
    is `trusted` to hold it. `planned`: the last plan's pages, whose entries a page planned alike reuses.
    `lookout`: told which pages will be drawn and when each is, and asked which to draw first.
    Template errors are collected (each reported once) into a BuildError.
    """
    pages, stale = plan.pages, plan.stale
    if trusted and stale is not None:  # the folder holds what the records say: only the stale pages
        todo = [i for i, page in enumerate(pages) if page.url in stale]
    else:
        last = {p.url: p for p in planned} if stale is None else {}
        todo = [i for i, page in enumerate(pages) if needs_drawing(page, stale, inputs, previous, held, last)]
    parallel = jobs if len(todo) >= PARALLEL_RENDER_MIN else 1
    env.dependency_of, env.template_dependency = inputs.dependency_of, inputs.template_dependency
    if lookout is not None:
        lookout.drawing(frozenset([pages[i].output_path for i in todo]), sink)
    chunks = drawing_order(todo, pages, lookout, CHUNK if lookout is None else STEP)  # a lookout: drawn here
    results = each_chunk(_render_chunk, chunks, parallel, pages, env, inputs, held, sink)
    records = dict(previous)
    written: dict[str, bytes] = {}
    problems: dict[tuple, list[PageProblem]] = {}
    shared: dict[tuple, tuple] = {}  # one object per distinct dependency (see benchmarks/README.md)
    for chunk in results:
        for item in chunk:
            if isinstance(item, PageProblem):
                problems.setdefault((item.problem.path, item.problem.line, item.problem.message), []).append(item)
                continue
            url, rel, fingerprint, deps, data_digest, changed, entry = item
            records[url] = PageRecord(fingerprint, tuple([shared.setdefault(d, d) for d in deps]), data_digest, entry)
            if changed:
                written[rel] = data_digest
            if lookout is not None:
                lookout.ready(rel, changed)
    if problems:
        raise BuildError([one_report(found) for found in problems.values()])
    if len(records) != len(pages) or plan.stale is None:
        records = {p.url: records[p.url] for p in pages}
    return Rendered(records, written, len(todo))


def drawing_order(todo: list[int], pages: tuple[Page, ...], lookout: Lookout | None, size: int) -> Iterator[list[int]]:
    """Yield the pages to draw, `size` at a time in the plan's order, but first, before each chunk, those the
    lookout says are waited for (the order changes only when pages are drawn: never what they are)."""
    at = {pages[i].output_path: i for i in todo} if lookout is not None else {}
    done: set[int] = set()
    next_in_plan = 0
    while True:
        first = [i for rel in lookout.wanted() if (i := at.get(rel)) is not None and i not in done] if at else []
        chunk = list(dict.fromkeys(first))[:size]
        while len(chunk) < size and next_in_plan < len(todo) and not first:
            if (i := todo[next_in_plan]) not in done:
                chunk.append(i)
            next_in_plan += 1
        if not chunk:
            return
        done.update(chunk)
        yield chunk


def one_report(found: list[PageProblem]) -> Problem:
    """Report one template mistake once, with the first page it broke and how many more."""
    first, more = found[0], len(found) - 1
    others = f", and {more} more page{'s' if more != 1 else ''}" if more else ""
    if not first.page:
        return first.problem
    return replace(first.problem, message=f"{first.problem.message} (drawing {first.page}{others})")


def needs_drawing(
    page: Page,
    stale: frozenset[str] | None,
    inputs: Inputs,
    previous: Mapping[str, PageRecord],
    held: Mapping[str, Any] | None,
    last: Mapping[str, Page] | None = None,
) -> bool:
    """Tell whether a page must be drawn: stale, never drawn, changed inputs, or not what the folder holds."""
    record = previous.get(page.url)
    if record is None:
        return True
    if stale is None:
        # Planned as last time (compared as the entry encodes it, mostly by identity): its entry is as recorded.
        old = last.get(page.url) if last else None
        same = record.entry and old is not None and inputs.same_entry(old, page)
        if inputs.fingerprint(page, record.deps, record.entry if same else None) != record.fingerprint:
            return True
    elif page.url in stale:
        return True
    if held is None:
        return False
    file = held.get(page.output_path)
    return file is None or file.digest != record.digest


def _render_chunk(
    indices: list[int],
    pages: tuple[Page, ...],
    env: TrackingEnvironment,
    inputs: Inputs,
    held: Mapping[str, Any] | None,
    sink: Sink | None,
) -> list[tuple | Problem]:
    out: list[tuple | Problem] = []
    limit = inputs.paper.config.render_time_limit
    for i in indices:
        page = pages[i]
        env.recording, env.story = set(), None
        try:
            # SIGALRM: in-process and in a forked worker alike, each draws on its main thread.
            with time_limit(
                limit,
                lambda: RenderTimeout(
                    f"took longer than {limit:g} s to draw (render_time_limit); does a loop in the template never end?"
                ),
            ):
                data = render_page(env, page, inputs.paper, inputs.view)
        except (
            jinja2.TemplateError,
            RecursionError,
            ArithmeticError,
            LookupError,
            TypeError,
            ValueError,
            AttributeError,
            RenderTimeout,
        ) as e:
            # A template that includes itself, or divides by zero, is a template error like any other.
            out.append(template_problem(e, env, page))
            continue
        finally:
            deps, env.recording = tuple(sorted(env.recording | inputs.implied(page))), None
        data_digest = digest(data)
        changed = False
        if sink is not None:
            file = held.get(page.output_path) if held is not None else None
            changed = file is None or file.digest != data_digest
            if changed:
                sink.put(page.output_path, data)
        entry = inputs.entry(page)
        out.append(
            (
                page.url,
                page.output_path,
                inputs.fingerprint(page, deps, entry) or b"",
                deps,
                data_digest,
                changed,
                entry,
            )
        )
    return out


def template_problem(e: Exception, env: TrackingEnvironment, page: Page) -> PageProblem:
    """Name the template file (the site's or the theme's) and line that raised, the page being drawn, and the
    story whose fields it was reading; suggest the near name of a field that is not there."""
    if isinstance(e, jinja2.TemplateSyntaxError) and e.filename:
        return PageProblem(Problem(Path(e.filename), e.lineno, f"template syntax error: {e.message}"), "")
    where = _template_frame(e, template_roots(env))
    path, line = where if where else (template_file(env, page.template), None)
    if isinstance(e, jinja2.TemplateNotFound):
        return PageProblem(Problem(path, line, f"template not found: {e.name}"), "")
    story = f", reading {display_path(env.story.path)}" if env.story is not None else ""
    article = "an" if page.kind[0] in "aeiou" else "a"
    return PageProblem(Problem(path, line, f"{e}{env.near_miss(e)}"), f"{page.url}, {article} {page.kind} page{story}")


def _template_frame(e: BaseException, roots: tuple[Path, ...]) -> tuple[Path, int] | None:
    resolved = [root.resolve() for root in roots]
    frames = [
        (Path(f.filename), f.lineno)
        for f in traceback.extract_tb(e.__traceback__)
        if f.filename and any(Path(f.filename).resolve().is_relative_to(r) for r in resolved)
    ]
    if isinstance(e, RecursionError) and frames:  # the stack runs out anywhere: name the template that recurses
        most = Counter(path for path, _ in frames).most_common(1)[0][0]
        return next(frame for frame in reversed(frames) if frame[0] == most)
    return frames[-1] if frames else None
