"""Jinja: the templates, the environment and the filters they use."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from markupsafe import Markup

from broadsheet import urls
from broadsheet.errors import Problem, did_you_mean
from broadsheet.load.article import Article, Extra
from broadsheet.load.config import Config
from broadsheet.load.data import DataFiles
from broadsheet.paths import is_regular, is_within, real
from broadsheet.render.digests import CATALOGS, template_digests
from broadsheet.render.i18n import install_i18n

TEMPLATE_NAMES = (
    "base.html",
    "home.html",
    "section.html",
    "article.html",
    "author.html",
    "authors.html",
    "tag.html",
    "tags.html",
    "archive.html",
    "archives.html",
    "404.html",
    "search.html",
    "page.html",
    "feed.xml",
    "rss.xml",
    "sitemap.xml",
    "sitemap-index.xml",
    "news-sitemap.xml",
    "robots.txt",
    "live.js",
    "fragment.html",
)


# Where a key the site does not set is falsy rather than an error: free-form tables, and site.data's files.
_FREE_FORM = (Extra, DataFiles)
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
    story: Article | None = None  # the last story a template read a field of: named when drawing fails

    missed: tuple[str, tuple[str, ...]] | None = None  # the last name read that an object lacks, and its names

    def getattr(self, obj: Any, attribute: str) -> Any:
        if self.recording is not None and (dep := self.dependency_of(obj, attribute)) is not None:
            self.recording.add(dep)
        if type(obj) is Article:
            self.story = obj
        if type(obj) in _FREE_FORM and attribute in obj:  # a key named like a method (pop, items) is the key
            return self.getitem(obj, attribute)
        value = super().getattr(obj, attribute)
        if type(value) is jinja2.StrictUndefined:
            if type(obj) in _FREE_FORM:
                return self.missing(attribute)
            self.missed = (attribute, tuple(n for n in dir(obj) if not n.startswith("_")))
        return value

    def near_miss(self, e: Exception) -> str:
        """Return ' (did you mean …?)' for a name a template read that is not there, when one is near it."""
        if not isinstance(e, jinja2.UndefinedError) or self.missed is None or f"'{self.missed[0]}'" not in str(e):
            return ""
        return did_you_mean(*self.missed)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if self.recording is not None and (dep := self.dependency_of(obj, argument)) is not None:
            self.recording.add(dep)
        value = super().getitem(obj, argument)
        return self.missing(argument) if type(obj) in _FREE_FORM and type(value) is jinja2.StrictUndefined else value

    @staticmethod
    def missing(name: Any) -> jinja2.Undefined:
        """A key a story or the site does not set: falsy, empty when shown, and so are its own keys."""
        return jinja2.ChainableUndefined(name=str(name))

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


def load_templates(
    layers: tuple[Path, ...], config: Config, previous: Templates | dict[str, bytes] | None = None, changed: bool = True
) -> Templates:
    """Compile the templates and check them, unless none `changed` since `previous`.

    `layers`: the site's templates/ and then the theme's; a name is drawn from the first that has it.
    `previous`: the last build's templates, or in a new process only their digests (then the environment
    is made again, but templates that passed the last build's checks are not checked again).
    """
    if not changed and isinstance(previous, Templates) and previous.config == config:
        return previous
    if not changed and isinstance(previous, dict):
        return Templates(make_env(layers, config), previous, config)
    digests = template_digests(*layers)
    if isinstance(previous, Templates) and previous.config == config and previous.digests == digests:
        return previous
    env = make_env(layers, config)
    return Templates(env, digests, config, tuple(check_templates(env, layers[0])))


class ConfinedLoader(jinja2.FileSystemLoader):
    """A template loader that reads only files whose real path lies inside the templates folder."""

    def __init__(self, searchpath: Path):
        super().__init__(str(searchpath), followlinks=False)
        self.root = real(searchpath)

    def get_source(self, environment: jinja2.Environment, template: str):
        path = os.path.join(self.root, *jinja2.loaders.split_template_path(template))
        if os.path.lexists(path) and not is_regular(path):  # a FIFO would hang the read
            raise jinja2.TemplateNotFound(template, f"{template} is not a regular file; not read")
        source, filename, uptodate = super().get_source(environment, template)
        if not is_within(filename, self.root):
            raise jinja2.TemplateNotFound(template, f"{template} leads outside the templates folder; not read")
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        # The walk enters no linked folder, so only a name that is itself a link can lead outside the folder
        # (get_source checks every name again as it reads it).
        paths = ((name, os.path.join(self.root, name)) for name in super().list_templates())
        return [
            name
            for name, path in paths
            if (not os.path.islink(path) or is_within(path, self.root)) and is_regular(path)
        ]


def make_env(layers: Path | tuple[Path, ...], config: Config) -> jinja2.Environment:
    """Build the Jinja environment: autoescaped, strict, reading only the given templates folders, first first."""
    layers = (layers,) if isinstance(layers, Path) else layers
    env = TrackingEnvironment(
        loader=jinja2.ChoiceLoader([ConfinedLoader(d) for d in layers]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # A build reads each template once (Environment.cache keeps it); a changed template means a new
        # environment, which reads every source again and takes the compiled code only of unchanged ones.
        auto_reload=False,
        bytecode_cache=COMPILED,
    )
    # local, dateline, edition_date, number; gettext and ngettext: each in the language of the page drawn.
    install_i18n(
        env, layers, config, lambda: env.recording is not None and env.recording.add(env.template_dependency(CATALOGS))
    )
    env.filters["isodate"] = lambda dt: env.filters["local"](dt).isoformat()
    env.filters["absolute"] = lambda url: urls.absolute(config.base_url, url)
    env.filters["pictures"] = Markup  # a body's images with their sizes: render/theme.py, once images are planned
    return env


def check_templates(env: jinja2.Environment, site_templates: Path) -> list[Problem]:
    """Compile every template, and make sure each one the pages need exists (in the site or the theme)."""
    problems: list[Problem] = []
    existing = set(env.list_templates())
    for name in sorted(existing):
        if is_template(name):
            try:
                env.get_template(name)
            except jinja2.TemplateSyntaxError as e:
                path = Path(e.filename) if e.filename else template_file(env, name)
                problems.append(Problem(path, e.lineno, f"template syntax error: {e.message}"))
    for name in TEMPLATE_NAMES:
        if name not in existing:
            problems.append(Problem(site_templates / name, None, "required template is missing, here and in the theme"))
    return problems


def template_roots(env: jinja2.Environment) -> tuple[Path, ...]:
    """Return the templates folders an environment reads, the site's first."""
    loaders = env.loader.loaders if isinstance(env.loader, jinja2.ChoiceLoader) else [env.loader]
    return tuple(Path(loader.searchpath[0]) for loader in loaders)


def template_file(env: jinja2.Environment, name: str) -> Path:
    """Return the file a template name is drawn from: the site's, else the theme's (else where the site's would be)."""
    roots = template_roots(env)
    return next((root / name for root in roots if (root / name).is_file()), roots[0] / name)


def is_template(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return (
        not base.startswith(".") and not base.endswith("~") and name.endswith((".html", ".xml", ".txt", ".json", ".js"))
    )


class CompiledTemplates(jinja2.BytecodeCache):
    """The templates this process has compiled, by name and source text: kept in memory, the last `size` used.

    Every build makes a new environment (and every test site, and every `serve` rebuild after a template
    changed), which would compile each template again. Here a template whose name and source this process
    has already compiled, for an environment that compiles alike, takes that code: Jinja reads the source
    each time and compiles again when its checksum differs, so an edited template is never drawn from
    stale code. The code names the file it was read from (error messages name it), so a copy read from
    another file (another site's) is given that file's name.
    """

    def __init__(self, size: int = 500):
        self.size = size
        self._code: OrderedDict[tuple, CodeType] = OrderedDict()
        self._lock = threading.Lock()

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Any:
        bucket = jinja2.bccache.Bucket(environment, name, self.get_source_checksum(source))
        bucket.key = (compiles_alike(environment), name, bucket.checksum)  # type: ignore[assignment]
        bucket.filename = filename  # type: ignore[attr-defined]
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self._lock:
            code = self._code.get(bucket.key)
            if code is not None:
                self._code.move_to_end(bucket.key)
        if code is not None:
            bucket.code = renamed(code, getattr(bucket, "filename", None) or "<template>")

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self._lock:
            self._code[bucket.key] = bucket.code
            self._code.move_to_end(bucket.key)
            while len(self._code) > self.size:
                self._code.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._code.clear()

    def __len__(self) -> int:
        return len(self._code)


def compiles_alike(env: jinja2.Environment) -> tuple:
    """Return what, besides a template's source, decides the code Jinja compiles it to in this environment:
    its syntax and whitespace settings, extensions, autoescaping, and the filters and tests it knows, each with
    what it is passed (Jinja compiles a call to each differently, and a call to an unknown one not at all)."""
    passes = jinja2.utils._PassArg.from_obj
    return (
        *(getattr(env, setting) for setting in _SYNTAX),
        env.autoescape,
        env.optimized,
        env.is_async,
        env.finalize is not None and passes(env.finalize),
        tuple(sorted(env.extensions)),
        getattr(env, "newstyle_gettext", None),  # set by the i18n extension; changes how {% trans %} compiles
        tuple(sorted((k, v) for k, v in env.policies.items() if isinstance(v, bool | int | str | None))),
        frozenset((name, passes(f)) for name, f in env.filters.items()),
        frozenset((name, passes(f)) for name, f in env.tests.items()),
    )


_SYNTAX = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
)


def renamed(code: CodeType, filename: str) -> CodeType:
    """Return the code (and the blocks and macros compiled within it) as if compiled from `filename`."""
    if code.co_filename == filename:
        return code
    consts = tuple(renamed(c, filename) if isinstance(c, CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


COMPILED = CompiledTemplates()
