"""The tests' shared helpers: write a small site inline, build it, read and compare the output.

Test modules import helpers from here (or from a topical *_support module), never from each other or
from conftest, which holds only fixtures."""

from __future__ import annotations

import functools
import io
import shutil
import textwrap
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image

from broadsheet.cli import main

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-02-12T12:00:00-08:00"
TIMEOUT = 30.0  # generous: five engineers share two cores; every wait ends as soon as its event happens

SITE_TOML = """\
title = "The Test Gazette"
base_url = "https://gazette.example"
timezone = "America/Vancouver"
sections = ["National", "Sports", "Arts & Culture"]
per_page = 3
more_from = 2
"""


def article(
    title: str = "A story",
    section: str = "National",
    author: str = "Ann Writer",
    date: str = "2026-02-01 09:00",
    body: str = "Body text.",
    **fields: str,
) -> str:
    """Return the text of an article file; extra fields are written as given (YAML)."""
    lines = [
        f"title: {title!r}" if title is not None else "",
        f"section: {section}",
        f"author: {author}",
        f"date: {date}",
    ]
    lines += [f"{k}: {v}" for k, v in fields.items()]
    return "---\n" + "\n".join(line for line in lines if line) + "\n---\n" + body + "\n"


def write_site(root: Path, files: dict[str, str | bytes], templates: bool = True) -> Path:
    """Write a site under root: site.toml, the repo's theme, and the given files."""
    root.mkdir(parents=True, exist_ok=True)
    files = {"site.toml": SITE_TOML, **(theme_files() if templates else {}), **files}
    (root / "content").mkdir(exist_ok=True)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data) if rel.endswith(".toml") else data, encoding="utf-8")
    return root


@functools.cache
def theme_files() -> dict[str, str | bytes]:
    """The repo's theme, read once: its templates and its static files (not the sample site's photographs)."""
    files: dict[str, str | bytes] = {}
    for src in sorted((REPO / "templates").rglob("*")):
        if src.is_file():
            files[src.relative_to(REPO).as_posix()] = src.read_text(encoding="utf-8")
    for src in sorted((REPO / "static").rglob("*")):
        rel = src.relative_to(REPO).as_posix()
        if src.is_file() and not rel.startswith("static/images/"):
            files[rel] = src.read_bytes()
    return files


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


def clean_build(
    site: Path,
    tmp_path: Path,
    *extra: str | Path,
    now: str | datetime = NOW,
    output: Path | None = None,
    fails: bool = False,
) -> dict[str, bytes] | None:
    """Build a copy of the site's sources from nothing (no output folder, no cache) and return its output.

    The copy leaves out the site's public/ and .broadsheet-cache/, so nothing an earlier build left can reach
    it: what it gives is what a clean build of the sources as they are now gives. `output` (an empty folder,
    or none yet) is where it writes, when not the copy's public/. With `fails`, the sources are known to be
    wrong: the build must stop with an error (exit code 1), and nothing is returned.
    """
    twin = tmp_path / "clean-build"
    shutil.rmtree(twin, ignore_errors=True)
    shutil.copytree(
        site,
        twin,
        symlinks=True,
        ignore=lambda d, names: [n for n in names if Path(d) == Path(site) and n in ("public", ".broadsheet-cache")],
    )
    out = output if output is not None else twin / "public"
    when = now.isoformat() if isinstance(now, datetime) else now
    code = build(twin, "--no-cache", "--output", out, *extra, now=when)
    if fails:
        assert code == 1, "a clean build of these sources should stop with an error"
        return None
    assert code == 0
    return tree_snapshot(out)


# A site in English with a Punjabi edition (the language-editions tests and those that need two languages).
BILINGUAL = (
    SITE_TOML
    + """
language = "en"

[languages.pa]
title = "ਫ਼ਰੇਜ਼ਰ ਵੈਲੀ ਸਾਂਝ"
sections = ["ਪੰਜਾਬ", "ਕੈਨੇਡਾ"]
"""
)


def bilingual(root: Path, toml: str = BILINGUAL, **more: str) -> Path:
    return write_site(
        root,
        {
            "site.toml": toml,
            "content/ferry.md": article(
                "Ferry fares rise",
                author="Ann Writer",
                tags="[ferries]",
                translation_key="ferry-fares",
                body="Fares rise in April.",
            ),
            "content/council.md": article("Council meets", section="Sports", date="2026-02-02 09:00"),
            "content/pa-ferry.md": article(
                "ਫੈਰੀ ਦੇ ਕਿਰਾਏ ਵਧੇ",
                section="ਕੈਨੇਡਾ",
                author="ਹਰਪ੍ਰੀਤ ਕੌਰ",
                lang="pa",
                translation_key="ferry-fares",
                slug="ferry-fares",
                tags="[ਫੈਰੀ]",
                body="ਅਪ੍ਰੈਲ ਵਿੱਚ ਕਿਰਾਏ ਵਧਣਗੇ।",
            ),
            "content/pa-farm.md": article(
                "ਕਿਸਾਨਾਂ ਦੀ ਮੀਟਿੰਗ",
                section="ਪੰਜਾਬ",
                author="ਹਰਪ੍ਰੀਤ ਕੌਰ",
                lang="pa",
                date="2026-02-03 10:00",
                slug="farmers",
                body="ਮੀਟਿੰਗ ਹੋਈ।",
            ),
            **more,
        },
    )


# Lead images and their srcsets, as the theme writes them.
class Imgs(HTMLParser):
    """Collect every <img> and <source> with its attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.imgs: list[dict[str, str | None]] = []
        self.sources: list[dict[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.imgs.append(dict(attrs))
        elif tag == "source":
            self.sources.append(dict(attrs))


def srcset_urls(srcset: str) -> list[tuple[str, int]]:
    return [(u, int(w.rstrip("w"))) for u, w in (c.strip().split() for c in srcset.split(","))]
