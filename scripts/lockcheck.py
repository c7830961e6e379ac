"""Tell whether requirements/test.txt still covers pyproject.toml: python3 scripts/lockcheck.py

Every runtime dependency and every package of the test extra must be pinned in the lock, at a version the
range in pyproject.toml admits (the versions are compared when `packaging` is importable, as it is in the
test environment; before that, the names). Prints what is missing and exits 1 when the lock is stale.
Standard library only, so that scripts/test can run it before any environment exists.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "test.txt"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normal(name: str) -> str:
    """A package name as the index compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def wanted(pyproject: Path) -> list[str]:
    """The requirement strings the tests install: the runtime dependencies and the test extra."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["test"]]


def pins(lock: Path) -> dict[str, list[str]]:
    """Name -> every version pinned for it (a universal lock may pin one per Python version)."""
    found: dict[str, list[str]] = {}
    for name, version in _PIN.findall(lock.read_text(encoding="utf-8")):
        found.setdefault(normal(name), []).append(version)
    return found


def problems(pyproject: Path = ROOT / "pyproject.toml", lock: Path = LOCK) -> list[str]:
    """What pyproject.toml asks for that the lock does not give, one sentence each."""
    if not lock.is_file():
        return [f"{lock.relative_to(ROOT)} is missing"]
    locked = pins(lock)
    try:
        from packaging.requirements import Requirement
    except ImportError:
        Requirement = None  # noqa: N806 - names only, until the environment exists
    out = []
    for text in wanted(pyproject):
        name = normal(_NAME.match(text).group(1))
        if name not in locked:
            out.append(f"pyproject.toml names {text!r}, which {lock.name} does not pin")
            continue
        if Requirement is not None:
            spec = Requirement(text).specifier
            bad = [v for v in locked[name] if v not in spec]
            if bad:
                out.append(f"pyproject.toml asks for {text!r}; {lock.name} pins {', '.join(bad)}")
    return out


def main() -> int:
    found = problems()
    for line in found:
        print(f"scripts/lockcheck.py: {line}", file=sys.stderr)
    if found:
        print(
            "scripts/lockcheck.py: the lock is stale: run ./scripts/lock and commit requirements/test.txt",
            file=sys.stderr,
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
