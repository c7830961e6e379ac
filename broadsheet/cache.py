"""The build cache: what one build remembers for the next, in memory and in <site>/.broadsheet-cache/.

It holds three kinds of facts, each safe to act on only after checking it against the disk:
- sources: a Markdown file's stat and content hash, and the Article parsed from it;
- pages: a page's fingerprint (its plan entry, plus the values it read while rendering) and its output digest;
- outputs: what a build wrote into an output folder (size, mtime, digest), to leave unchanged files alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import os
import pickle
import stat
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .config import Config
from .content import Article, article_from_bytes, find_markdown, read_limited, url_collisions
from .errors import BuildError, Problem
from .markdown import RENDERER_VERSION, MarkdownRenderer
from .parallel import run_chunks
from .pickling import compact_pickle

CACHE_DIR = ".broadsheet-cache"
FORMAT = 3  # bump when the layout of State changes
# A file changed less than this long before we looked at it may change again within the same mtime tick,
# so its stat alone proves nothing (git's "racily clean" problem): re-read it next time.
RACY_NS = 2_000_000_000
PARALLEL_PARSE_MIN = 64  # fewer changed files than this parse faster in-process than through a pool


@compact_pickle
@dataclass(slots=True)
class Source:
    """One Markdown file as last read: its stat, its content hash, and what it parsed to."""

    size: int
    mtime_ns: int
    seen_ns: int  # when the stat was taken; see RACY_NS
    digest: bytes
    parse_key: bytes
    article: Article
    groups: dict[str, bytes] = field(default_factory=dict)  # its field groups' fingerprints (deps.py), made once


@compact_pickle
@dataclass(slots=True)
class PageRecord:
    """A page as last rendered: its fingerprint, the inputs it read, and the digest of its bytes."""

    fingerprint: bytes
    deps: tuple
    digest: bytes


@compact_pickle
@dataclass(slots=True)
class Stamp:
    """A file as last seen: enough to tell, without reading it, that it did not change."""

    size: int
    mtime_ns: int
    ino: int
    seen_ns: int  # when the stat was taken; see RACY_NS
    digest: bytes


@dataclass(slots=True)
class State:
    """Everything a build remembers; mutated only after a build succeeded."""

    sources: dict[str, Source] = field(default_factory=dict)
    pages: dict[str, PageRecord] = field(default_factory=dict)
    static: dict[str, Stamp] = field(default_factory=dict)  # static source path -> stamp
    outputs: dict[str, dict[str, Stamp]] = field(default_factory=dict)  # out_dir -> output path -> stamp
    stale_index: set[str] = field(default_factory=set)  # out_dirs whose search index lags their pages (preview)
    live: Any = None  # the last build's site, plan and environment, for Builder; never saved
    snapshot: Any = None  # what the cache keeps of `live` (builder.Snapshot), so a new process can edit in place


def cache_header() -> tuple:
    """Return what a cache must have been written by to be trusted: this very code, this renderer."""
    from . import __version__

    return (FORMAT, __version__, RENDERER_VERSION, sys.version_info[:2], code_digest())


@functools.cache
def code_digest() -> bytes:
    """Fingerprint Broadsheet's own source: a change in how articles parse or pages plan voids the cache."""
    package = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(package.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.digest()


def load_state(site_dir: Path) -> State:
    """Read the cache, or start empty if it is missing, stale or unreadable."""
    path = site_dir / CACHE_DIR / "state.pickle"
    try:
        with open(path, "rb") as f, paused_gc():
            header = pickle.load(f)
            if header != cache_header():
                return State()
            state, pages, outputs = pickle.load(f), pickle.load(f), pickle.load(f)
            gc.freeze()  # long-lived: later collections need not go through these ≈ 150,000 objects again
    except Exception:  # noqa: BLE001 (a damaged cache is only a slower build, never a failed one)
        return State()
    if not (isinstance(state, State) and isinstance(pages, dict) and isinstance(outputs, dict)):
        return State()
    state.pages, state.outputs = pages, outputs
    return state


def save_state(site_dir: Path, state: State) -> None:
    """Write the cache atomically; failing to write it only costs speed next time."""
    folder = site_dir / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        (folder / ".gitignore").exists() or (folder / ".gitignore").write_text("*\n")
        tmp = folder / f"state.pickle.tmp-{os.getpid()}"
        with open(tmp, "wb") as f, paused_gc():
            pickle.dump(cache_header(), f, protocol=pickle.HIGHEST_PROTOCOL)
            # Three pickles, each with its own memo (one entry per object pickled, freed when it is done):
            # the stories and the plan, which share them; the page records, which share their dependencies;
            # and the output stamps, which share nothing. One pickle of all three held a memo table twice
            # the size (≈ 250 MB at 100,000 stories) at the build's peak of memory.
            pickle.dump(dataclasses.replace(state, live=None, pages={}, outputs={}), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(state.pages, f, protocol=pickle.HIGHEST_PROTOCOL)
            stamps = pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)
            stamps.fast = True  # no memo at all
            stamps.dump(state.outputs)
        os.replace(tmp, folder / "state.pickle")
    except OSError:
        pass


@contextlib.contextmanager
def paused_gc():
    """Hold off the cycle collector while (un)pickling: the cache's ≈ 150,000 objects at 10,000 stories
    would otherwise trigger dozens of full traversals (1.0 s to load instead of 0.35 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def parse_key(config: Config) -> bytes:
    """Return what, besides a file's bytes and path, decides how it parses."""
    sections = tuple((s.name, s.slug) for s in config.sections)
    limits = (config.sanitize, config.markdown_time_limit, config.max_file_size)
    return digest(repr((RENDERER_VERSION, str(config.timezone), sections, limits)).encode())


def load_articles_cached(
    content_dir: Path, config: Config, sources: dict[str, Source], suspects: set[str] | None, jobs: int,
    listing: list[Path] | None = None,
) -> tuple[tuple[Article, ...], dict[str, Source]]:
    """Read articles like content.load_articles, parsing only files whose bytes changed.

    `suspects` (None: all) are the files that may have changed; the rest are taken from `sources`
    without touching the disk beyond listing the folder (`listing`, when it was just listed).
    Returns the articles and the new sources.
    """
    if content_dir.exists() and not content_dir.is_dir():
        raise BuildError([Problem(content_dir, None, "content must be a folder of Markdown files")])
    key = parse_key(config)
    fresh: dict[str, Source] = {}
    todo: list[Path] = []
    if suspects is not None and all(s in sources and os.path.isfile(s) for s in suspects):
        paths = [s.article.path for s in sources.values()]  # no file came or went: the same list as last time
    else:
        paths = listing if listing is not None else find_markdown(content_dir)
    for path in paths:
        name = str(path)
        old = sources.get(name)
        if old is not None and old.parse_key == key and (suspects is not None and name not in suspects):
            fresh[name] = old
            continue
        source = reuse_source(path, old, key)
        if source is None:
            todo.append(path)
        else:
            fresh[name] = source
    problems: list[Problem] = []
    for path, result in parse_files(todo, config, jobs):
        if isinstance(result, Source):
            fresh[str(path)] = result
        else:
            problems.extend(result)
    articles = [fresh[str(p)].article for p in paths if str(p) in fresh]
    problems.extend(url_collisions(articles))
    if problems:
        raise BuildError(problems)
    return tuple(articles), fresh


def reuse_source(path: Path, old: Source | None, key: bytes) -> Source | None:
    """Return the cached Source if the file provably did not change, else None."""
    if old is None or old.parse_key != key:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    now = _now_ns()
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
    return dataclasses.replace(old, size=st.st_size, mtime_ns=st.st_mtime_ns, seen_ns=now)


def parse_files(paths: list[Path], config: Config, jobs: int) -> list[tuple[Path, Source | list[Problem]]]:
    """Parse files (in worker processes when there are many), keeping their order."""
    if jobs > 1 and len(paths) >= PARALLEL_PARSE_MIN:
        chunks = [paths[i : i + 32] for i in range(0, len(paths), 32)]
        return [item for chunk in run_chunks(_parse_chunk, chunks, jobs, config) for item in chunk]
    return _parse_chunk(paths, config)


def _parse_chunk(paths: list[Path], config: Config) -> list[tuple[Path, Source | list[Problem]]]:
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
        seen = _now_ns()
        result = article_from_bytes(path, data, config, renderer)
        if isinstance(result, Article):
            groups = {group: group_value(result, group) for group in ARTICLE_GROUPS}
            out.append((path, Source(st.st_size, st.st_mtime_ns, seen, digest(data), key, result, groups)))
        else:
            out.append((path, result))
    return out


def group_value(article: Article, group: str) -> bytes:
    from .deps import group_value  # deps builds on this module

    return group_value(article, group)


ARTICLE_GROUPS = ("m", "b")


def _now_ns() -> int:
    return time.time_ns()


def stamp_file(path: Path | str, old: Stamp | None, racy: bool = True, follow: bool = True) -> Stamp | None:
    """Return the file's stamp, reading it only when its stat does not prove it unchanged (None: gone).

    With follow=False a symbolic link is not a file at all (None): an output file is never a link.
    """
    try:
        st = os.stat(path, follow_symlinks=follow)
    except OSError:
        return None
    if (
        old is not None and st.st_size == old.size and st.st_mtime_ns == old.mtime_ns and st.st_ino == old.ino
        and (not racy or old.seen_ns - old.mtime_ns > RACY_NS)
    ):
        return old
    if not stat.S_ISREG(st.st_mode):
        return None  # a FIFO or device is never ours to read
    seen = _now_ns()
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    return Stamp(st.st_size, st.st_mtime_ns, st.st_ino, seen, digest(data))


def stamp_written(path: Path, data_digest: bytes) -> Stamp:
    """Stamp a file this build has just written (its digest is known)."""
    st = os.stat(path)
    return Stamp(st.st_size, st.st_mtime_ns, st.st_ino, _now_ns(), data_digest)


@dataclass(frozen=True, slots=True)
class Summary:
    """The last successful build in a few numbers: enough to prove, cheaply, that the next has nothing to do."""

    key: tuple  # out_dir and the options that change the site
    inputs: bytes  # site.toml, every template, the static files' stamps
    sources: tuple[tuple[str, int, int], ...]  # (path, size, mtime_ns) in walk order
    outputs: tuple[tuple[str, int, int, int], ...]  # (output path, size, mtime_ns, inode)
    now: datetime  # the build's clock; any other may change what is live
    result: tuple  # (pages_by_kind, static_files, next_scheduled) to report again


def load_summary(site_dir: Path) -> Summary | None:
    try:
        with open(site_dir / CACHE_DIR / "summary.pickle", "rb") as f:
            if pickle.load(f) != cache_header():
                return None
            summary = pickle.load(f)
    except Exception:  # noqa: BLE001 (missing or damaged: just no shortcut)
        return None
    return summary if isinstance(summary, Summary) else None


def save_summary(site_dir: Path, summary: Summary | None) -> None:
    """Write (or, given None, remove) the summary; it must never outlive a build it does not describe."""
    path = site_dir / CACHE_DIR / "summary.pickle"
    try:
        if summary is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_name(f"summary.pickle.tmp-{os.getpid()}")
        with open(tmp, "wb") as f:
            pickle.dump(cache_header(), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(summary, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass


def inputs_digest(site_dir: Path, static: dict[str, Path]) -> bytes | None:
    """Fingerprint site.toml, the templates (by content) and the static files (by stat); None if too fresh."""
    h = hashlib.blake2b(digest_size=16)
    now = time.time_ns()
    try:
        h.update((site_dir / "site.toml").read_bytes())
        templates = site_dir / "templates"
        for root, dirs, files in os.walk(templates):
            dirs.sort()
            for name in sorted(files):
                path = Path(root) / name
                h.update(b"\0" + str(path.relative_to(templates)).encode() + b"\0" + path.read_bytes())
        for rel, src in sorted(static.items()):
            st = os.stat(src)
            if now - st.st_mtime_ns <= RACY_NS:
                return None
            h.update(f"\0{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}".encode())
    except OSError:
        return None
    return h.digest()
