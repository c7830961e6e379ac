#!/usr/bin/env python3
"""A newsroom's day of publishes, each a new process, counting the files each one really changes.

    python benchmarks/newsroom_day.py --size 10000 [--includes client|ssi|esi|static] [--peers] [--work DIR]

On a make_corpus.py site (the default configuration and the packaged theme, body images on another host),
after a cold build, it runs the day's steps as production runs them, `python build.py` in a new process at a
clock that moves on:

  no change, minutes later        nothing edited
  first build of a new day        nothing edited, the clock past midnight
  a new story in National         a story file added, dated now
  a body fix                      a sentence changed in that story
  a headline fix                  the same story's title changed
  a breaking story, banner up     a new story with `breaking:` until 10:00
  the banner ends                 the clock past 10:00, nothing edited
  a correction on an old story    `corrections:` added to a story of 2022
  a new story in Sports           another section

For each it prints the files changed (hashing the output folder before and after: added, removed or with
other bytes), the URLs the build listed in its changed-URL file, whether the list equals the files, and the
wall time. With --peers, the time of Hugo + Pagefind's full build of the same corpus (what either costs for
any publish), and each step's time as a ratio of it. At the end the output is compared, byte for byte, with
a clean build at the day's last clock.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import REPO, bench_hugo, make_corpus, run  # noqa: E402

DAY = "2025-01-02"
START = "2025-01-01T17:00:00-05:00"  # the evening before: the cold build
BASE = "https://gazette.example.org"


def hashes(out: Path) -> dict[str, str]:
    """Every file of the output folder (its marker files too) -> the digest of its bytes."""
    found = {}
    for root, _, files in os.walk(out):
        for name in files:
            path = Path(root, name)
            found[path.relative_to(out).as_posix()] = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    return found


def as_file(url: str) -> str:
    """The output file a listed URL names (a folder URL is its index.html)."""
    path = unquote(urlsplit(url).path).lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def story(title: str, section: str, date: str, body: str = "", **fields: str) -> str:
    lines = [
        f'title: "{title}"',
        f'section: "{section}"',
        'author: "Maria Alvarez"',
        f"date: {date}",
        'summary: "What happened, in one line."',
        'tags: ["transit"]',
        *(f"{k}: {v}" for k, v in fields.items()),
    ]
    body = body or "The council met on Thursday and voted on the plan.\n\nA second paragraph follows here."
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


def old_story(site: Path) -> Path:
    return min((site / "content" / "national").glob("*.md"))


def add_correction(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    head, body = text[4:].split("\n---\n", 1)
    correction = f'corrections:\n  - date: {DAY} 09:30\n    text: "An earlier version misstated the figure."\n'
    path.write_text("---\n" + head + "\n" + correction + "---\n" + body, encoding="utf-8")


def steps(site: Path) -> list[tuple[str, str, object]]:
    """(name, clock, edit) in the order a day runs them; edit(site) changes the sources (None: nothing)."""
    national = site / "content" / "national" / "day-story.md"
    sports = site / "content" / "sports" / "day-match.md"
    breaking = site / "content" / "national" / "day-breaking.md"
    return [
        ("no change, minutes later", "2025-01-01T17:07:00-05:00", None),
        ("first build of a new day", f"{DAY}T05:30:00-05:00", None),
        (
            "a new story in National",
            f"{DAY}T07:00:00-05:00",
            lambda: national.write_text(
                story("Council approves the harbour plan", "National", f"{DAY}T06:55:00-05:00")
            ),
        ),
        (
            "a body fix",
            f"{DAY}T07:10:00-05:00",
            lambda: national.write_text(national.read_text().replace("voted on the plan", "voted for the plan")),
        ),
        (
            "a headline fix",
            f"{DAY}T07:20:00-05:00",
            lambda: national.write_text(national.read_text().replace("approves the harbour", "approves a harbour")),
        ),
        (
            "a breaking story, banner up",
            f"{DAY}T08:00:00-05:00",
            lambda: breaking.write_text(
                story("Storm closes the bridge", "National", f"{DAY}T07:58:00-05:00", breaking=f"{DAY} 10:00")
            ),
        ),
        ("the banner ends (the clock)", f"{DAY}T10:05:00-05:00", None),
        ("a correction on an old story", f"{DAY}T10:30:00-05:00", lambda: add_correction(old_story(site))),
        (
            "a new story in Sports",
            f"{DAY}T11:00:00-05:00",
            lambda: sports.write_text(story("Harbour FC win the derby", "Sports", f"{DAY}T10:50:00-05:00")),
        ),
    ]


def build(site: Path, now: str, out: Path | None = None, cache: bool = True) -> tuple[float, int]:
    cmd = [sys.executable, str(REPO / "build.py"), "build", "--site", str(site), "--now", now]
    if out is not None:
        cmd += ["--output", str(out)]
    if not cache:
        cmd.append("--no-cache")
    seconds, mb, _ = run(cmd)
    return seconds, mb


def set_includes(site: Path, includes: str | None) -> None:
    toml = site / "site.toml"
    lines = [line for line in toml.read_text().splitlines() if not line.startswith(("includes =", "search ="))]
    toml.write_text("\n".join([*lines, *([f'includes = "{includes}"'] if includes else [])]) + "\n")


def day(site: Path) -> list[dict]:
    out = site / "public"
    rows = []
    for name, clock, edit in steps(site):
        if edit is not None:
            edit()
        before = hashes(out)
        seconds, mb = build(site, clock)
        after = hashes(out)
        changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
        listed = {as_file(u) for u in (site / ".broadsheet-cache" / "changed-urls.txt").read_text().split()}
        rows.append(
            {
                "step": name,
                "changed": len(changed),
                "listed": len(listed),
                "exact": listed == changed,
                "seconds": seconds,
                "mb": mb,
                "files": len(after),
                "changed_files": sorted(changed),
                "unlisted": sorted(changed - listed),
                "overlisted": sorted(listed - changed),
            }
        )
        print(
            f"  {name:32} {len(changed):6} changed {len(listed):6} listed "
            f"{'exact' if listed == changed else 'DIFFERENT'}  {seconds:6.2f} s  {mb} MB",
            flush=True,
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--includes", choices=["client", "ssi", "esi", "static"], help="default: the site's default")
    parser.add_argument("--peers", action="store_true", help="also time Hugo + Pagefind's full build")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "broadsheet-bench")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    corpus = args.work / f"ours-{args.size}"
    make_corpus(corpus, args.size, "ours")
    site = args.work / f"day-{args.size}-{args.includes or 'default'}"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(corpus, site, ignore=shutil.ignore_patterns("public", ".broadsheet-cache"))
    set_includes(site, args.includes)
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(f"{args.size} stories, includes = {args.includes or 'default'}, at {commit}", flush=True)
    cold, cold_mb = build(site, START)
    print(f"  {'cold build':32} {len(hashes(site / 'public')):6} files  {cold:6.2f} s  {cold_mb} MB", flush=True)
    time.sleep(2.1)  # files younger than 2 s are read again on purpose (same-tick edits): be past that
    rows = day(site)
    last = steps(site)[-1][1]
    clean = args.work / f"clean-{args.size}"
    shutil.rmtree(clean, ignore_errors=True)
    build(site, last, out=clean, cache=False)
    same = hashes(clean) == {k: v for k, v in hashes(site / "public").items()}
    print(f"  the day's output equals a clean build at {last}: {same}", flush=True)
    result = {
        "size": args.size,
        "includes": args.includes,
        "commit": commit,
        "cold": cold,
        "cold_mb": cold_mb,
        "steps": rows,
        "equals_clean": same,
    }
    if args.peers:
        hugo_site = args.work / f"hugo-{args.size}"
        make_corpus(hugo_site, args.size, "hugo")
        peer = bench_hugo(hugo_site, 1, search=True)
        result["peer"] = peer
        print(f"  Hugo + Pagefind, a full build: {peer['cold']:.1f} s", flush=True)
        for row in rows:
            print(f"  {row['step']:32} {row['seconds'] / peer['cold']:.3f} x (hugo + pagefind)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
