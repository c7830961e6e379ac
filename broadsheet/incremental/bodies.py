"""The stories' bodies, kept apart from the rest of the cache: <site>/.broadsheet-cache/bodies.sqlite.

A body is most of a story's weight, and a publish draws a handful of pages: the memory (store.py) names each
body by the digest of its text, and a story read back from the cache fetches its body the first time a page
reads it (frozen.held_elsewhere). A save adds the bodies not stored yet and, now and then, drops those no story
names any more. The table and the memory beside it carry one generation: a memory is trusted only with the
table written for it, so neither a crash between the two writes nor a table removed by hand can pair a story
with another's body.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

from broadsheet.frozen import Elsewhere, set_stored, stored_getter
from broadsheet.incremental.pickling import rebuild
from broadsheet.load.article import Article
from broadsheet.stamps import digest

TABLE = "bodies.sqlite"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS bodies (key BLOB PRIMARY KEY, html TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS generation (id INTEGER PRIMARY KEY CHECK (id = 0), value BLOB NOT NULL)",
)
SLACK = 1.25  # bodies no story names are dropped once the table holds this many times the live ones


class CacheDamaged(Exception):
    """A body the memory names is missing from its table: the cache cannot be trusted (the build starts over)."""


class Stored(Elsewhere):
    """A story's body in the table: fetched on first read, then kept."""

    __slots__ = ("key", "table", "html")

    def __init__(self, key: bytes, table: str, html: str | None = None):
        self.key = key
        self.table = table  # the path of the table
        self.html = html

    def __reduce__(self) -> tuple:
        return Stored, (self.key, self.table)  # saved without its text, which the table holds

    def get(self) -> str:
        if self.html is None:
            self.html = fetch(self.table, self.key)
        return self.html


class StoredPath(Elsewhere):
    """A story's file as the memory saved it, a string: made a Path when first read (a Path is slow to make, and
    a publish reads the file names of few stories)."""

    __slots__ = ("text", "path")

    def __init__(self, text: str):
        self.text = text
        self.path: Path | None = None

    def __reduce__(self) -> tuple:
        return StoredPath, (self.text,)

    def get(self) -> Path:
        if self.path is None:
            self.path = Path(self.text)
        return self.path


# Open tables by process (a forked worker opens its own) and path, with the file each was opened on.
_connections: dict[tuple[int, str], tuple[sqlite3.Connection, tuple[int, int]]] = {}


def connect(table: str) -> sqlite3.Connection:
    """Return this process's connection to the table, opened again if the file was replaced or removed since."""
    key = (os.getpid(), table)
    try:
        st = os.stat(table)
        file = (st.st_dev, st.st_ino)
    except OSError:
        file = (0, 0)  # to be made
    held = _connections.get(key)
    if held is not None and held[1] == file:
        return held[0]
    forget(table)
    connection = sqlite3.connect(table, isolation_level=None, check_same_thread=False)
    st = os.stat(table)
    _connections[key] = (connection, (st.st_dev, st.st_ino))
    return connection


def forget(table: str) -> None:
    """Close this process's connection to a table (before the table is removed or replaced)."""
    held = _connections.pop((os.getpid(), table), None)
    if held is not None:
        held[0].close()


def fetch(table: str, key: bytes) -> str:
    try:
        row = connect(table).execute("SELECT html FROM bodies WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error as e:
        raise CacheDamaged(f"{table}: {e}") from None
    if row is None:
        raise CacheDamaged(f"{table}: a story's body is missing")
    return row[0]


def generation(table: str) -> bytes | None:
    """Return the generation the table was last written with (None: no table, or not one of ours)."""
    if not os.path.isfile(table):
        return None
    try:
        row = connect(table).execute("SELECT value FROM generation WHERE id = 0").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


_BODY = tuple(f.name for f in fields(Article)).index("body_html")
_PATH = tuple(f.name for f in fields(Article)).index("path")
_article_values = stored_getter(Article, tuple(f.name for f in fields(Article)))


class Keeper:
    """Saves stories with their bodies named, not held: pickle a memory with `reduce` for Article, then `commit`
    the bodies it met into the table, under the generation the memory was saved with."""

    def __init__(self, table: str):
        self.table = table
        self.fresh: list[tuple[Article, Stored]] = []  # stories whose body the table may not hold yet
        self.live: set[bytes] = set()  # every body the memory names
        self.generation = os.urandom(16)

    def reduce(self, article: Article) -> tuple:
        values = list(_article_values(article))
        body = values[_BODY]
        if type(body) is not Stored or body.table != self.table:  # parsed by this build, or from another table
            text = body.get() if isinstance(body, Elsewhere) else body
            body = Stored(digest(text.encode("utf-8", "surrogatepass")), self.table, text)
            self.fresh.append((article, body))
        self.live.add(body.key)
        values[_BODY] = body
        if type(path := values[_PATH]) is not StoredPath:
            values[_PATH] = StoredPath(os.fspath(path))
        return rebuild, (Article, *values)  # as pickling.register saves every other record

    def commit(self) -> None:
        """Add the new bodies and the generation in one transaction; drop unnamed bodies when they pile up.
        Raise sqlite3.Error (or OSError) if the table cannot be written."""
        with transaction(self.table) as db:
            db.executemany(
                "INSERT OR IGNORE INTO bodies (key, html) VALUES (?, ?)", ((s.key, s.html) for _, s in self.fresh)
            )
            (count,) = db.execute("SELECT count(*) FROM bodies").fetchone()
            if count > len(self.live) * SLACK:
                db.execute("CREATE TEMP TABLE IF NOT EXISTS live (key BLOB PRIMARY KEY)")
                db.execute("DELETE FROM temp.live")
                db.executemany("INSERT INTO temp.live VALUES (?)", ((k,) for k in self.live))
                db.execute("DELETE FROM bodies WHERE key NOT IN (SELECT key FROM temp.live)")
                db.execute("DELETE FROM temp.live")
            db.execute("INSERT OR REPLACE INTO generation (id, value) VALUES (0, ?)", (self.generation,))

    def settle(self) -> None:
        """Once the memory is in place: let the stories just saved name their stored body (the text stays)."""
        for article, stored in self.fresh:
            set_stored(article, "body_html", stored)
        self.fresh = []


@contextmanager
def transaction(table: str) -> Iterator[sqlite3.Connection]:
    """Open the table for writing (made anew if it is not a table of ours), in one transaction."""
    try:
        db = with_schema(connect(table))
    except sqlite3.DatabaseError:  # damaged, or another kind of file: start again
        forget(table)
        os.unlink(table)
        db = with_schema(connect(table))
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def with_schema(db: sqlite3.Connection) -> sqlite3.Connection:
    for statement in _SCHEMA:
        db.execute(statement)
    return db
