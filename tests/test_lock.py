"""The locked test environment: requirements/test.txt pins everything pyproject.toml asks for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import REPO

sys.path.insert(0, str(REPO / "scripts"))
import lockcheck  # noqa: E402


def test_the_lock_pins_every_dependency_at_a_version_pyproject_admits():
    assert lockcheck.problems() == []


def test_a_dependency_the_lock_lacks_is_reported_by_name(tmp_path: Path):
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    stale = tmp_path / "pyproject.toml"
    stale.write_text(pyproject.replace('"Babel>=2.16",', '"Babel>=2.16",\n  "tinycss2>=1.3",'), encoding="utf-8")
    assert lockcheck.problems(stale) == ["pyproject.toml names 'tinycss2>=1.3', which test.txt does not pin"]


def test_a_minimum_above_the_locked_version_is_reported(tmp_path: Path):
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    stale = tmp_path / "pyproject.toml"
    stale.write_text(pyproject.replace('"Jinja2>=3.1.6"', '"Jinja2>=99"'), encoding="utf-8")
    assert lockcheck.problems(stale) == [f"pyproject.toml asks for 'Jinja2>=99'; test.txt pins {jinja_pin()}"]


def jinja_pin() -> str:
    return lockcheck.pins(lockcheck.LOCK)["jinja2"][0]


def test_the_test_command_stops_on_a_stale_lock_before_installing_anything(tmp_path: Path):
    """scripts/test runs the check first, with the system's Python and the standard library alone."""
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    (checkout / "requirements").mkdir()
    (checkout / "scripts" / "lockcheck.py").write_text((REPO / "scripts" / "lockcheck.py").read_text())
    (checkout / "requirements" / "test.txt").write_text("jinja2==3.1.6 \\\n    --hash=sha256:00\n")
    (checkout / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text())
    proc = subprocess.run(
        ["python3", "-I", str(checkout / "scripts" / "lockcheck.py")], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    assert "pyproject.toml names 'Markdown>=3.8.1', which test.txt does not pin" in proc.stderr
    assert "the lock is stale: run ./scripts/lock" in proc.stderr
