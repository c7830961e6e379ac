"""Helpers for the hostile-input tests: fingerprint a whole tree, and run a build that must not harm it."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from support import NOW, REPO, TIMEOUT, run


def fingerprint(root: Path) -> dict[str, str]:
    """Hash every entry under root without following links: files by content, links by target."""
    found: dict[str, str] = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = "link:" + os.readlink(path)
            elif path.is_dir():
                found[rel] = "dir"
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[rel] = "special"
    return found


def outside(tree: dict[str, str], out_rel: str) -> dict[str, str]:
    """Keep the entries of a fingerprint that are not the output folder or inside it.

    The site's own build cache (.broadsheet-cache/, documented, git-ignored) is the one other place a
    successful build may write.
    """
    return {
        k: v
        for k, v in tree.items()
        if k != out_rel and not k.startswith(out_rel + "/") and ".broadsheet-cache" not in k.split("/")
    }


def refused(world: Path, capsys, *args: str | Path, code: int | None = None, now: str = NOW) -> str:
    """Run `build` with args; check it fails and that nothing under world changed; return stderr."""
    return refused_command(world, capsys, "build", "--now", now, *args, code=code)


def refused_command(world: Path, capsys, *args: str | Path, code: int | None = None) -> str:
    """Run any command; check it fails and that nothing under world changed; return stderr."""
    before = fingerprint(world)
    result = run(*args)
    err = capsys.readouterr().err
    assert result != 0, f"build succeeded but should have been refused:\n{err}"
    if code is not None:
        assert result == code, err
    assert "Traceback" not in err
    assert fingerprint(world) == before, "a refused build changed files"
    return err


def built(world: Path, out_dir: Path, capsys, *args: str | Path, now: str = NOW) -> str:
    """Run `build` with args; check it succeeds and touches nothing outside out_dir; return stdout."""
    before = fingerprint(world)
    result = run("build", "--now", now, *args)
    captured = capsys.readouterr()
    assert result == 0, captured.err
    rel = out_dir.relative_to(world).as_posix()
    assert outside(fingerprint(world), rel) == outside(before, rel), "the build changed files outside its output"
    return captured.out


class Attributes(HTMLParser):
    """Every attribute value of every start tag, as a browser would decode it."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.values: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.values += [(tag, name, value or "") for name, value in attrs]


def runs_script(value: str) -> bool:
    """An independent reading of a decoded URL's scheme: strip what the URL parser strips, then look."""
    url = re.sub(r"[\t\n\r]", "", value).lstrip("".join(map(chr, range(0x21)))).lower()
    return url.startswith(("javascript:", "vbscript:")) or (
        url.startswith("data:") and not url.startswith("data:image/png")
    )


# A real `build` process that sends itself a signal at a point of the build the test names, and says so on
# stderr first: the signal lands there, never a moment early or late. Only the point is chosen; the build, its
# signal handling and its clean-up are the real ones.
SIGNAL_AT = """
import os, signal, sys
from broadsheet.cli import main
from broadsheet.output import folder

point, count, signum = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])  # signal 0: pause until stdin closes
me, calls = os.getpid(), 0


def fire():
    global calls
    if os.getpid() != me:  # a worker process of a parallel build
        return
    calls += 1
    if calls == count and signum == 0:
        print(f"test: paused at {point} ({count})", file=sys.stderr, flush=True)
        sys.stdin.read()
    elif calls == count:
        print(f"test: signal {signum} at {point} ({count})", file=sys.stderr, flush=True)
        os.kill(me, signum)


def arm(owner, name, before):
    real = getattr(owner, name)

    def wrapper(*args, **kwargs):
        if before:
            fire()
        result = real(*args, **kwargs)
        if not before:
            fire()
        return result

    setattr(owner, name, wrapper)


if point == "staging":  # the stage exists, and the count-th changed file is about to be put into it
    arm(folder.Stage, "put", before=True)
elif point == "journal written":  # the commit point passed: the patch is about to be moved into place
    arm(folder, "roll_forward", before=True)
else:
    raise SystemExit(f"unknown point {point}")
sys.exit(main(sys.argv[4:]))
"""


def hooked_build_command(site: Path, point: str, signum: int, *args: str | Path, count: int = 1) -> list[str]:
    now = () if "--now" in args else ("--now", NOW)
    return [
        sys.executable,
        "-c",
        SIGNAL_AT,
        point,
        str(count),
        str(signum),
        "build",
        "--site",
        str(site),
        *now,
        *map(str, args),
    ]


def signalled_build(
    site: Path, point: str, signum: int, *args: str | Path, count: int = 1
) -> subprocess.CompletedProcess:
    """Run `build` on site in a new process that signals itself at `point` (the count-th time it is reached).

    Points: "staging" (the count-th changed file is about to be staged) and "journal written" (the commit
    point of a patch has passed; nothing is moved into place yet). The returned stderr starts with the line
    "test: signal ..." only if the point was reached.
    """
    return subprocess.run(
        hooked_build_command(site, point, signum, *args, count=count),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=4 * TIMEOUT,
        check=False,
    )


class PausedBuild:
    """A real `build` process paused at `point` (see signalled_build), holding its output folder's lock, until
    resumed."""

    def __init__(self, site: Path, point: str, *args: str | Path, count: int = 1):
        self.proc = subprocess.Popen(
            hooked_build_command(site, point, 0, *args, count=count),
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        first = self.proc.stderr.readline()  # the pause's own line, or the first of an error
        if not first.startswith(f"test: paused at {point} "):
            out, err = self.proc.communicate("", timeout=4 * TIMEOUT)
            raise AssertionError(f"the build never paused at {point} ({count}): {first}{err}")

    def resume(self) -> tuple[int, str, str]:
        """Let the build go on; return its exit code, stdout and the rest of its stderr."""
        out, err = self.proc.communicate("", timeout=4 * TIMEOUT)
        return self.proc.returncode, out, err


def signalled_at(proc: subprocess.CompletedProcess, point: str) -> bool:
    return f" at {point} (" in proc.stderr.split("\n", 1)[0] if proc.stderr.startswith("test: signal") else False
