"""One writer per output folder: a lock beside it that names whoever holds it, and a mark of who wrote last.

The lock is `flock` on `.<name>.lock` beside the output folder (not inside it: the folder itself is swapped
for a new one); the file exists only while it is held. A writer that published sets the output folder's
time to one of its own, so a long-lived session that remembers the folder as it left it can tell that another
process wrote it since (a new folder swapped in, or one patched and touched), and stop trusting what it knows.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from broadsheet.errors import BuildError, Problem

_left: dict[str, tuple[int, int]] = {}  # output folder -> its (inode, mtime) when this process last published


def lock_path(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.lock"


class Writer:
    """The holder of an output folder's lock."""

    def __init__(self, out_dir: Path | None):
        self.out_dir = out_dir

    def published(self) -> None:
        """Say that this process has just published the folder and knows what it holds."""
        if self.out_dir is None:
            return
        try:
            stamp = time.time_ns()
            os.utime(self.out_dir, ns=(stamp, stamp))
            st = os.stat(self.out_dir)
            _left[str(self.out_dir)] = (st.st_ino, st.st_mtime_ns)
        except OSError:
            _left.pop(str(self.out_dir), None)


@contextmanager
def writing(out_dir: Path | None) -> Iterator[Writer]:
    """Hold the output folder's lock while the block runs; raise BuildError naming the holder if it is taken.

    If the block fails, this process no longer claims to know what the folder holds.
    """
    if out_dir is None:
        yield Writer(None)
        return
    out_dir = Path(os.path.abspath(out_dir))
    made = _make_parents(out_dir.parent)
    path = lock_path(out_dir)
    fd = _acquire(path, out_dir)
    try:
        yield Writer(out_dir)
    except BaseException:
        _left.pop(str(out_dir), None)
        raise
    finally:
        try:
            os.unlink(path)  # while still held: a process waiting on this file takes a new one (see _acquire)
            if not os.path.lexists(out_dir):
                for folder in made:
                    os.rmdir(folder)
        except OSError:
            pass
        finally:
            os.close(fd)  # closing drops the lock


def wrote_last(out_dir: Path) -> bool:
    """Tell whether this process published the output folder last (nobody else wrote it since)."""
    out = os.path.abspath(out_dir)
    try:
        st = os.stat(out)
    except OSError:
        return False
    return _left.get(out) == (st.st_ino, st.st_mtime_ns)


def _acquire(path: Path, out_dir: Path) -> int:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = holder_of(os.fstat(fd).st_ino)
            os.close(fd)
            raise BuildError(
                [
                    Problem(
                        out_dir,
                        None,
                        f"{holder} is writing this output folder (it holds {path.name}); "
                        "wait for it to finish, or stop it, then build again",
                    )
                ]
            ) from None
        except BaseException:
            os.close(fd)
            raise
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # the holder we waited on removed the file we locked: take the new one


def holder_of(inode: int) -> str:
    """Name the process holding an flock on a file (Linux lists them in /proc/locks)."""
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as f:
            for line in f:
                fields = line.split()
                if len(fields) > 5 and fields[1] == "FLOCK" and fields[5].rsplit(":", 1)[-1] == str(inode):
                    return describe_process(int(fields[4]))
    except (OSError, ValueError):
        pass
    return "another process"


def describe_process(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().rstrip(b"\0").split(b"\0")
    except OSError:
        return f"process {pid}"
    command = " ".join(a.decode("utf-8", "backslashreplace") for a in argv)[:200]
    return f"process {pid} ({command})"


def _make_parents(folder: Path) -> list[Path]:
    """Create a folder and its missing parents; return those created, deepest first."""
    missing = []
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        os.mkdir(path)
    return missing
