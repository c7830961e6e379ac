#!/usr/bin/env python3
"""Score the default theme with Lighthouse 12.2.3: front page, a section and an article, four categories.

    python scripts/lighthouse.py [--site .] [--now ISO] [--runs 1]

Builds the site into a temporary folder, serves it on 127.0.0.1, and runs Lighthouse (installed on first use
into .tools/lighthouse with `npm i -E lighthouse@12.2.3`) against Debian's Chromium with its default mobile
profile. Prints a Markdown table of the scores (the lowest of --runs runs) for the README. Too slow for the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from browser import CHROMIUM, serve

from broadsheet.cli import main as broadsheet

VERSION = "12.2.3"
TOOLS = REPO / ".tools" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --no-first-run"
)


def lighthouse_bin() -> Path:
    """Return the pinned Lighthouse CLI, installing it with npm on first use."""
    cli = TOOLS / "node_modules" / ".bin" / "lighthouse"
    if not cli.exists():
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "i", "-E", "--no-audit", "--no-fund", "--prefix", str(TOOLS), f"lighthouse@{VERSION}"], check=True
        )
    return cli


def build(site: Path, out: Path, now: str) -> Path:
    """Build a copy of the site (with its image cache) and return the output folder."""
    out.mkdir(parents=True)
    for name in ("site.toml", "content", "static", "templates", ".broadsheet-cache"):
        src = site / name
        if src.is_dir():
            shutil.copytree(src, out / name)
        elif src.exists():
            shutil.copy(src, out / name)
    if broadsheet(["build", "--site", str(out), "--now", now]) != 0:
        raise SystemExit(1)
    return out / "public"


def pick_pages(public: Path) -> dict[str, str]:
    """Return the front page, the first section and the front page's lead story."""
    home = (public / "index.html").read_text(encoding="utf-8")
    section = re.search(r'<nav class="sections".*?<a href="([^"]+)"', home, re.DOTALL).group(1)
    article = re.search(r'id="lead-headline"[^>]*><a href="([^"]+)"', home).group(1)
    return {"front page": "/", "section": section, "article": article}


def score(cli: Path, url: str, report: Path) -> dict[str, float]:
    """Run Lighthouse once on url; return each category's score."""
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(
        [
            str(cli),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        check=True,
        env=env,
    )
    data = json.loads(report.read_text())
    return {c: data["categories"][c]["score"] for c in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO)
    parser.add_argument("--now", default="2026-11-25T12:00:00-08:00")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--reports", type=Path, help="keep the JSON reports in this folder")
    args = parser.parse_args()
    cli = lighthouse_bin()
    with tempfile.TemporaryDirectory() as tmp:
        public = build(args.site, Path(tmp) / "site", args.now)
        reports = args.reports or Path(tmp)
        reports.mkdir(parents=True, exist_ok=True)
        rows = []
        with serve(public) as base:
            for name, url in pick_pages(public).items():
                runs = [
                    score(cli, base + url, reports / f"{name.replace(' ', '-')}-{n}.json") for n in range(args.runs)
                ]
                rows.append((name, url, {c: min(r[c] for r in runs) for c in CATEGORIES}))
    print(f"| page | {' | '.join(CATEGORIES)} |")
    print("|---|" + "---|" * len(CATEGORIES))
    for name, url, scores in rows:
        print(f"| {name} (`{url}`) | " + " | ".join(f"{scores[c]:.2f}" for c in CATEGORIES) + " |")
    return 0 if all(s >= 0.95 for _, _, scores in rows for s in scores.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
