#!/usr/bin/env python3
"""Build a site and photograph its front page and an article at phone and desktop widths.

python scripts/screenshots.py [--site .] [--out docs/screenshots] [--article /national/some-story/] [--dark]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from browser import chromium, serve

from broadsheet.cli import main as broadsheet

WIDTHS = {"375": (375, 812), "1280": (1280, 900)}


def first_article(public: Path) -> str:
    """Return the URL of the newest story on the front page that has a lead image."""
    html = (public / "index.html").read_text(encoding="utf-8")
    start = html.index('id="lead-headline"')
    href = html.index('href="', start) + 6
    return html[href : html.index('"', href)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--article", help="article URL (default: the front page's lead story)")
    parser.add_argument("--now", default="2026-11-25T12:00:00-08:00")
    parser.add_argument("--dark", action="store_true", help="also take dark-mode shots")
    parser.add_argument("--full", action="store_true", help="whole page, not just the first screen")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        public = Path(tmp) / "public"
        if broadsheet(["build", "--site", str(args.site), "--output", str(public), "--now", args.now]) != 0:
            return 1
        pages = {"front": "/", "article": args.article or first_article(public)}
        schemes = ["light", "dark"] if args.dark else ["light"]
        with serve(public) as base, chromium() as browser:
            for scheme in schemes:
                for label, (w, h) in WIDTHS.items():
                    context = browser.new_context(
                        viewport={"width": w, "height": h}, color_scheme=scheme, device_scale_factor=1
                    )
                    page = context.new_page()
                    for name, url in pages.items():
                        page.goto(base + url, wait_until="networkidle")
                        # Lazy images in view start after load: wait until every one on screen is decoded.
                        page.evaluate("""() => Promise.all([...document.images]
                            .filter((i) => i.getBoundingClientRect().top < innerHeight)
                            .map((i) => i.complete ? i.decode().catch(() => {})
                                : new Promise((r) => { i.onload = i.onerror = r; })))""")
                        suffix = "" if scheme == "light" else "-dark"
                        shot = args.out / f"{name}-{label}{suffix}.png"
                        page.screenshot(path=str(shot), full_page=args.full)
                        print(shot)
                    context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
