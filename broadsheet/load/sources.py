"""Loading the stories: every Markdown file under content/, parsing only those whose bytes changed."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote

from broadsheet.errors import Problem
from broadsheet.load.article import Article
from broadsheet.load.config import Config
from broadsheet.load.discovery import find_markdown
from broadsheet.load.frontmatter import read_limited
from broadsheet.load.languages import translation_collisions
from broadsheet.load.markdown import RENDERER_VERSION, MarkdownRenderer
from broadsheet.load.reader import article_from_bytes
from broadsheet.parallel import run_chunks
from broadsheet.stamps import RACY_NS, digest, now_ns

PARALLEL_PARSE_MIN = 64  # fewer files than this parse faster in-process than through a pool
PARSE_CHUNK = 32

# Fingerprints of an article's parts, computed where it is parsed (in a worker, when there are many).
Describe = Callable[[Article], dict[str, bytes]]


@dataclass(frozen=True, slots=True)
class Source:
    """One Markdown file as last read: its stat, its content hash, and what it parsed to."""

    size: int
    mtime_ns: int
    seen_ns: int  # when the stat was taken; see RACY_NS
    digest: bytes
    parse_key: bytes
    article: Article
    parts: dict[str, bytes] = field(default_factory=dict)  # what `describe` said of the article


@dataclass(frozen=True, slots=True)
class Loaded:
    """The stories of the site, each with the file it came from, and every problem found reading them."""

    articles: tuple[Article, ...]
    sources: dict[str, Source]  # by path, in walk order
    problems: tuple[Problem, ...] = ()


def load_articles(
    content_dir: Path,
    config: Config,
    previous: Mapping[str, Source] | None = None,
    suspects: frozenset[str] | None = None,
    jobs: int = 1,
    describe: Describe | None = None,
    listing: tuple[Path, ...] | None = None,
) -> Loaded:
    """Read every article, parsing only files whose bytes changed since `previous`.

    `suspects` (None: any) are the only files that may have changed; the rest are taken from
    `previous` without touching the disk beyond listing the folder (`listing`, when just listed).
    """
    previous = previous or {}
    if content_dir.exists() and not content_dir.is_dir():
        return Loaded((), {}, (Problem(content_dir, None, "content must be a folder of Markdown files"),))
    key = parse_key(config)
    same_key = all(s.parse_key == key for s in list(previous.values())[:1])  # one build parses all alike
    if suspects is not None and same_key and all(s in previous and os.path.isfile(s) for s in suspects):
        return load_suspects(previous, suspects, key, config, jobs, describe)
    paths = list(listing) if listing is not None else find_markdown(content_dir)
    fresh: dict[str, Source] = {}
    todo: list[Path] = []
    for path in paths:
        name = str(path)
        old = previous.get(name)
        if old is not None and old.parse_key == key and suspects is not None and name not in suspects:
            fresh[name] = old
        elif (source := reuse_source(path, old, key)) is not None:
            fresh[name] = source
        else:
            todo.append(path)
    problems: list[Problem] = []
    for path, result in parse_files(todo, config, jobs, describe):
        if isinstance(result, Source):
            fresh[str(path)] = result
        else:
            problems.extend(result)
    sources = {str(p): fresh[str(p)] for p in paths if str(p) in fresh}
    articles = tuple(s.article for s in sources.values())
    problems.extend(
        url_collisions(list(articles))
        + alias_collisions(articles)
        + translation_collisions(articles)
        + related_problems(articles)
    )
    return Loaded(articles, sources, tuple(problems))


def load_suspects(
    previous: Mapping[str, Source],
    suspects: frozenset[str],
    key: bytes,
    config: Config,
    jobs: int,
    describe: Describe | None,
) -> Loaded:
    """Read just the files that may have changed, when no file came or went: the rest are as last time."""
    sources = dict(previous)  # the same files, in the same order
    todo = []
    for name in sorted(suspects):
        if (source := reuse_source(Path(name), previous[name], key)) is not None:
            sources[name] = source
        else:
            todo.append(Path(name))
    problems: list[Problem] = []
    moved = False
    for path, result in parse_files(todo, config, jobs, describe):
        if isinstance(result, Source):
            sources[str(path)] = result
            before = previous[str(path)].article
            moved = moved or (result.article.url, result.article.aliases) != (before.url, before.aliases)
        else:
            problems.extend(result)
    articles = tuple(s.article for s in sources.values())
    if moved:  # a story that kept its URL and aliases cannot collide: the last build had no collision
        problems.extend(url_collisions(list(articles)) + alias_collisions(articles))
    problems.extend(translation_collisions(articles) + related_problems(articles))
    return Loaded(articles, sources, tuple(problems))


def related_problems(articles: tuple[Article, ...]) -> list[Problem]:
    """Report each slug a story's `related` names that no story of its edition has (drafts and scheduled count)."""
    if not any(a.related for a in articles):
        return []
    slugs = {(a.folder, a.slug) for a in articles}
    return [
        Problem(a.path, line_of(a.path, "related:"), f"related: no story has the slug {slug!r}")
        for a in articles
        for slug in a.related
        if (a.folder, slug) not in slugs
    ]


def url_collisions(articles: list[Article]) -> list[Problem]:
    """Report every URL wanted by more than one file, case-insensitively, and every alias another file wants."""
    by_url: dict[str, list[Article]] = {}
    for a in articles:
        by_url.setdefault(a.url.casefold(), []).append(a)
    problems = []
    for group in by_url.values():
        if len(group) > 1:
            names = ", ".join(str(a.path) for a in group)
            for a in group:
                problems.append(Problem(a.path, None, f"URL {a.url} is wanted by {len(group)} files: {names}"))
    return problems


def alias_collisions(articles: tuple[Article, ...]) -> list[Problem]:
    """Report an alias that is a story's URL (its own: a loop) or another story's alias, naming both files.

    Drafts and scheduled stories count: the collision would otherwise appear only when one of them goes live.
    """
    if not any(a.aliases for a in articles):
        return []
    by_url = {a.url.casefold(): a for a in articles}
    problems = []
    claimed: dict[str, Article] = {}
    for a in articles:
        for alias in a.aliases:
            key = alias.casefold()
            if key in by_url:
                other = by_url[key]
                what = "the story's own URL: it would redirect to itself" if other is a else f"the URL of {other.path}"
                problems.append(Problem(a.path, line_of(a.path, alias), f"alias {alias} is {what}"))
            elif claimed.setdefault(key, a) is not a:
                problems.append(
                    Problem(a.path, line_of(a.path, alias), f"alias {alias} is also an alias of {claimed[key].path}")
                )
    return problems


def line_of(path: Path, alias: str) -> int | None:
    """Return the line of a story's file that names an alias (else its `aliases:` line): only read on an error."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for needles in ((alias, unquote(alias), alias.rstrip("/")), ("aliases:",)):
        for n, line in enumerate(lines, 1):
            if any(needle in line for needle in needles):
                return n
    return None


def parse_key(config: Config) -> bytes:
    """Return what, besides a file's bytes and path, decides how it parses."""
    sections = tuple((s.name, s.slug) for s in config.sections)
    limits = (config.sanitize, config.markdown_time_limit, config.max_file_size, config.keep)  # keep: aliases
    # A story's language (the site's, when it gives none) decides its edition, URL and sections.
    editions = tuple((e.language, tuple((s.name, s.slug) for s in e.sections)) for e in config.languages)
    key = (RENDERER_VERSION, str(config.timezone), sections, limits, config.language, editions)
    return digest(repr(key).encode())


def reuse_source(path: Path, old: Source | None, key: bytes) -> Source | None:
    """Return the previous Source if the file provably did not change, else None."""
    if old is None or old.parse_key != key:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    now = now_ns()
    if st.st_size == old.size and st.st_mtime_ns == old.mtime_ns and old.seen_ns - old.mtime_ns > RACY_NS:
        return old
    if not stat.S_ISREG(st.st_mode) or st.st_size > max(old.size, 1) * 4 + (1 << 20):
        return None  # not worth (or not safe) reading here: the parser reads it with its limits
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if digest(data) != old.digest:
        return None
    return replace(old, size=st.st_size, mtime_ns=st.st_mtime_ns, seen_ns=now)


def parse_files(
    paths: list[Path], config: Config, jobs: int = 1, describe: Describe | None = None
) -> list[tuple[Path, Source | list[Problem]]]:
    """Parse files (in worker processes when there are many), keeping their order."""
    if jobs > 1 and len(paths) >= PARALLEL_PARSE_MIN:
        chunks = [paths[i : i + PARSE_CHUNK] for i in range(0, len(paths), PARSE_CHUNK)]
        return [item for chunk in run_chunks(_parse_chunk, chunks, jobs, config, describe) for item in chunk]
    return _parse_chunk(paths, config, describe)


def _parse_chunk(
    paths: list[Path], config: Config, describe: Describe | None
) -> list[tuple[Path, Source | list[Problem]]]:
    renderer = MarkdownRenderer(sanitize=config.sanitize, time_limit=config.markdown_time_limit)
    key = parse_key(config)
    out: list[tuple[Path, Source | list[Problem]]] = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError as e:
            out.append((path, [Problem(path, None, f"cannot read: {e.strerror}")]))
            continue
        data = read_limited(path, config.max_file_size)  # refuses FIFOs and oversized files unread
        if isinstance(data, Problem):
            out.append((path, [data]))
            continue
        seen = now_ns()
        result = article_from_bytes(path, data, config, renderer)
        if isinstance(result, Article):
            parts = describe(result) if describe is not None else {}
            out.append((path, Source(st.st_size, st.st_mtime_ns, seen, digest(data), key, result, parts)))
        else:
            out.append((path, result))
    return out
