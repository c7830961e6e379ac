"""How long the browser editor takes to open and list a section on a large site.

    python benchmarks/cms_admin.py CORPUS [--section national] [--runs 3]

CORPUS is a site folder (e.g. made by make_corpus.py). It is copied to a temporary folder, its body pictures
pointed at another host as run.py does (make_corpus.py names files it never writes, and a build that refuses
them leaves the preview without /admin/), given `[cms]` (and `search = false`, which the admin does not use, to
shorten serve's first build), and served by `broadsheet serve`; a first build that fails stops the script
with its problems. Debian's Chromium opens /admin/ with the real Decap bundle from node_modules (as the tests
do) and the script prints, per run: `open` (navigation to /admin/ until its Login button is clicked: the bundle
and config.yml loaded; `bundle` is the part until Decap's 5 MB bundle was received, answered from
node_modules through Playwright's route), `list` (Login to the section's first entries shown) and the size of
the local backend's answer for the section's folder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests"), str(REPO)]

import cms_support  # noqa: E402
from cms_support import admin_page  # noqa: E402
from run import point_body_images_elsewhere  # noqa: E402
from serve_support import CliProcess  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--section", default="national")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cms_support.TIMEOUT_MS = 600_000  # a large site on a busy machine: measure, do not give up
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(args.corpus, site, ignore=shutil.ignore_patterns("public", ".broadsheet-cache"))
        point_body_images_elsewhere(site)
        toml = site / "site.toml"
        toml.write_text(toml.read_text(encoding="utf-8") + "\nsearch = false\n\n[cms]\n", encoding="utf-8")
        stories = len(list((site / "content" / args.section).rglob("*.md")))
        proc = CliProcess("serve", "--site", site, "--port", "0", "--now", "2026-02-12T12:00:00-05:00")
        port = int(proc.wait_line(r"Serving .* at http://127\.0\.0\.1:(\d+)/", timeout=1800).group(1))
        try:
            if failed := [line for line in proc.seen if "build failed" in line]:
                raise SystemExit(
                    "serve's first build failed, so the preview has no /admin/:\n"
                    + "\n".join(proc.seen[proc.seen.index(failed[0]) :][:20])
                )
            opened, listed = [], []
            for _ in range(args.runs):
                errors: list[str] = []
                sizes: list[int] = []
                at: dict[str, float] = {}
                with admin_page(port, errors, at) as page:  # returns once the Login button has been clicked
                    opened.append(at["login"] - at["goto"])
                    page.on(
                        "response",
                        lambda r, sizes=sizes: (
                            sizes.append(len(r.body()))
                            if r.url.endswith("/__broadsheet/cms")
                            and r.request.post_data
                            and "entriesByFolder" in r.request.post_data
                            else None
                        ),
                    )
                    clicked = time.monotonic()
                    page.goto(f"http://127.0.0.1:{port}/admin/#/collections/{args.section}")
                    page.locator("[href*='/entries/']").first.wait_for(timeout=120_000)
                    listed.append(time.monotonic() - clicked)
                print(
                    json.dumps(
                        {
                            "stories_in_section": stories,
                            "open_s": round(opened[-1], 2),
                            "bundle_s": round(at.get("bundle", float("nan")) - at["goto"], 2),
                            "list_s": round(listed[-1], 2),
                            "listing_bytes": sizes[:1],
                            "errors": errors[:3],
                        }
                    ),
                    flush=True,
                )
            print(
                f"median: open {statistics.median(opened):.2f} s, list {statistics.median(listed):.2f} s "
                f"({stories} stories in {args.section})"
            )
        finally:
            proc.interrupt()


if __name__ == "__main__":
    main()
