"""Shared helpers: write a small site inline, build it, read the output."""

from __future__ import annotations

import io
import os
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from broadsheet.cli import main

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-02-12T12:00:00-08:00"

SITE_TOML = """\
title = "The Test Gazette"
base_url = "https://gazette.example"
timezone = "America/Vancouver"
sections = ["National", "Sports", "Arts & Culture"]
per_page = 3
more_from = 2
"""


def article(title: str = "A story", section: str = "National", author: str = "Ann Writer",
            date: str = "2026-02-01 09:00", body: str = "Body text.", **fields: str) -> str:
    """Return the text of an article file; extra fields are written as given (YAML)."""
    lines = [f"title: {title!r}" if title is not None else "", f"section: {section}",
             f"author: {author}", f"date: {date}"]
    lines += [f"{k}: {v}" for k, v in fields.items()]
    return "---\n" + "\n".join(l for l in lines if l) + "\n---\n" + body + "\n"


def write_site(root: Path, files: dict[str, str | bytes], templates: bool = True) -> Path:
    """Write a site under root: site.toml, the repo's theme, and the given files."""
    root.mkdir(parents=True, exist_ok=True)
    files = {"site.toml": SITE_TOML, **files}
    if templates:
        for src in (REPO / "templates").rglob("*"):
            if src.is_file():
                rel = src.relative_to(REPO).as_posix()
                files.setdefault(rel, src.read_text(encoding="utf-8"))
        for src in (REPO / "static").rglob("*"):
            rel = src.relative_to(REPO).as_posix()
            if src.is_file() and not rel.startswith("static/images/"):  # the theme, not the sample photos
                files.setdefault(rel, src.read_bytes())
    (root / "content").mkdir(exist_ok=True)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data) if rel.endswith(".toml") else data, encoding="utf-8")
    return root


def jpeg(width: int = 64, height: int = 36) -> bytes:
    """Return a small JPEG for an article's lead image (a missing image file is a build error)."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 120, 160)).save(out, "JPEG")
    return out.getvalue()


def run(*args: str | Path) -> int:
    """Run the CLI in-process and return its exit code."""
    return main([str(a) for a in args])


def build(site: Path, *extra: str | Path, now: str = NOW) -> int:
    return run("build", "--site", site, "--now", now, *extra)


def read(site: Path, url_path: str) -> str:
    """Read an output file by its URL path ('/national/x/' -> public/national/x/index.html)."""
    rel = url_path.lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return (site / "public" / rel).read_text(encoding="utf-8")


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes, to compare before and after."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return tmp_path / "site"


@pytest.fixture
def forks(monkeypatch) -> list[int]:
    """Count the processes forked during the test (the worker processes of a parallel build)."""
    started: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        started.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counting_fork)
    return started
