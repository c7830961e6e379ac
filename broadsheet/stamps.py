"""File stamps: enough about a file, as last seen, to tell without reading it that it did not change."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path
from typing import NamedTuple

# A file changed less than this long before we looked at it may change again within the same mtime tick,
# so its stat alone proves nothing (git's "racily clean" problem): re-read it next time.
RACY_NS = 2_000_000_000


def digest(data: bytes) -> bytes:
    """Return a short fingerprint of bytes."""
    return hashlib.blake2b(data, digest_size=16).digest()


def now_ns() -> int:
    return time.time_ns()


class Stamp(NamedTuple):
    """A file as last seen: its stat, when the stat was taken, and the digest of its bytes (a tuple: 230,000 of
    them are read from the cache at 100,000 stories)."""

    size: int
    mtime_ns: int
    ino: int
    seen_ns: int  # when the stat was taken; see RACY_NS
    digest: bytes


def stamp_file(path: Path | str, old: Stamp | None, racy: bool = True, follow: bool = True) -> Stamp | None:
    """Return the file's stamp, reading it only when its stat does not prove it unchanged (None: gone).

    With follow=False a symbolic link is not a file at all (None): an output file is never a link.
    """
    try:
        st = os.stat(path) if follow else os.lstat(path)  # no keyword argument: called for every output file
    except OSError:
        return None
    if (
        old is not None
        and st.st_size == old.size
        and st.st_mtime_ns == old.mtime_ns
        and st.st_ino == old.ino
        and (not racy or old.seen_ns - old.mtime_ns > RACY_NS)
    ):
        return old
    if not stat.S_ISREG(st.st_mode):
        return None  # a FIFO or device is never ours to read
    seen = now_ns()
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    return Stamp(st.st_size, st.st_mtime_ns, st.st_ino, seen, digest(data))


def stamp_written(path: Path | str, data_digest: bytes) -> Stamp:
    """Stamp a file that has just been written (its digest is known)."""
    st = os.stat(path)
    return Stamp(st.st_size, st.st_mtime_ns, st.st_ino, now_ns(), data_digest)
