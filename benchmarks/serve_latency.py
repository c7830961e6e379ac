#!/usr/bin/env python3
"""Measure the preview server: save-to-reload latency, and throughput under wrk.

    python benchmarks/serve_latency.py reload [--site DIR | --corpus N] [--runs 10] [--edit body|headline|template]
                                              [--no-browser]
    python benchmarks/serve_latency.py wrk [--site DIR | --corpus N] [--seconds 10] [--connections 10]

reload: copies the site into a temporary folder, starts `serve` on it, then, N times, rewrites one
article's headline (or, with --edit body, the last paragraph of its body; with --edit template, the
site's copy of partials/byline.html, copied from the theme as `theme eject` does, with one more line at
its end) on disk and times two things from the moment the file is written:
  event  - until the open tab is told to reload (the SSE 'reload' event) and a fresh GET shows the edit;
  browser - until a real Chromium tab kept open on the article shows it (Playwright).
With --edit template, `other` times, right after the event, a GET of another article (one the rebuild
may not have drawn yet), which must show the edit too.
wrk: runs `wrk` (apt package wrk) against the preview server and against `python -m http.server` serving
the same built files, both on 127.0.0.1, and prints requests/s and errors for each.

--corpus N makes a synthetic site with ../shared/bench/make_corpus.py (beside the repo) plus the repo's
templates/ and static/. Without --site or --corpus the repo's own sample site is used.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"
NOW = "2026-11-25T12:00:00+00:00"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def prepare_site(args: argparse.Namespace, tmp: Path) -> Path:
    """Copy the chosen site (or make a corpus) into tmp, so the benchmark never edits real files."""
    site = tmp / "site"
    if args.corpus:
        subprocess.run(
            [sys.executable, str(args.make_corpus), str(site), "--articles", str(args.corpus)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        for name in ("templates", "static"):
            shutil.copytree(REPO / name, site / name, dirs_exist_ok=True)
    else:
        source = args.site or REPO
        site.mkdir()
        shutil.copy2(source / "site.toml", site / "site.toml")
        for name in ("content", "templates", "static"):
            if (source / name).is_dir():
                shutil.copytree(source / name, site / name)
    return site


class Serve:
    """`python build.py serve` on a free port, with stdout read in the background."""

    def __init__(self, site: Path):
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "--site", str(site), "--port", "0", "--now", NOW],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            # Ctrl-C as a terminal sends it, even when this script runs in the background (where a shell
            # starts commands ignoring SIGINT, and Python then never turns it into KeyboardInterrupt).
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.lines: list[str] = []
        ready = threading.Event()
        self.port = 0

        def pump() -> None:
            for line in self.proc.stdout:
                self.lines.append(line.rstrip())
                if m := re.search(r"Serving .* at http://127\.0\.0\.1:(\d+)/", line):
                    self.port = int(m.group(1))
                    ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(600):
            raise SystemExit(f"serve did not start: {self.lines}")

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=60) as resp:
            return resp.read().decode("utf-8")

    def wait_rebuilt(self, count: int, timeout: float = 300) -> None:
        """Wait until serve has printed `count` rebuild lines after the first build."""
        deadline = time.monotonic() + timeout
        while len(rebuild_times(self.lines)) < count and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> float:
        """Ctrl-C the server; return how long it took to exit."""
        started = time.perf_counter()
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=120)  # it saves its cache first: seconds at 10,000 stories
        return time.perf_counter() - started


def wait_reload(port: int, version: str, page: str) -> None:
    """Hold a live-reload connection open like a tab on `page` does, and return when it says 'reload'."""
    with socket.create_connection(("127.0.0.1", port), timeout=300) as sock:
        query = f"v={version}&p={urllib.parse.quote(page, safe='')}"
        sock.sendall(f"GET /__broadsheet/events?{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        data = b""
        while b"event: reload" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                raise RuntimeError("event stream closed")
            data += chunk


def pick_article(site: Path, last: bool = False) -> tuple[Path, str]:
    """Return the first (or last) article file, by path, and its URL, as the site's own loader sees them."""
    sys.path.insert(0, str(REPO))
    from datetime import datetime

    from broadsheet.load.config import load_config
    from broadsheet.load.sources import load_articles

    now = datetime.fromisoformat(NOW)
    articles = load_articles(site / "content", load_config(site / "site.toml")).articles
    pick = max if last else min
    first = pick((a for a in articles if not a.draft and a.date <= now), key=lambda a: str(a.path))
    return first.path, first.url


def set_headline(md: Path, headline: str) -> None:
    text = md.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title:.*$", f'title: "{headline}"', text, count=1)
    md.write_text(text, encoding="utf-8")


MARK = "Edited paragraph:"


def set_body(md: Path, words: str) -> None:
    """Make the body's last paragraph say `words` (a paragraph of our own, appended the first time)."""
    text = md.read_text(encoding="utf-8")
    text = re.sub(rf"\n\n{MARK}.*\n*$", "", text).rstrip("\n")
    md.write_text(f"{text}\n\n{MARK} {words}\n", encoding="utf-8")


def set_byline(md: Path, words: str) -> None:
    """Make the site's own partials/byline.html the theme's with one more line saying `words`."""
    site = next(p for p in md.parents if (p / "site.toml").is_file())
    theme = (REPO / "templates" / "partials" / "byline.html").read_text(encoding="utf-8")
    ejected = site / "templates" / "partials" / "byline.html"
    ejected.parent.mkdir(parents=True, exist_ok=True)
    ejected.write_text(f'{theme}<p class="probe">{words}</p>\n', encoding="utf-8")


EDITS = {  # how to save the edit, and what shows it: in the served HTML, and in the tab (JavaScript)
    "headline": (set_headline, lambda w: f">{w}<", "w => document.querySelector('h1')?.textContent.trim() === w"),
    "body": (
        set_body,
        lambda w: f"{MARK} {w}</p>",
        f"w => [...document.querySelectorAll('p')].some(p => p.textContent === '{MARK} ' + w)",
    ),
    "template": (
        set_byline,
        lambda w: f'<p class="probe">{w}</p>',
        "w => [...document.querySelectorAll('p.probe')].some(p => p.textContent === w)",
    ),
}


def version_of(html: str) -> str:
    return re.search(r"\?v=([0-9a-f]+-\d+)", html).group(1)


def measure_event(serve: Serve, md: Path, url: str, runs: int, edit: str, other: str) -> dict[str, list[float]]:
    """Save -> 'reload' event -> GET shows the edit, N times; and then (--edit template) a GET of `other`."""
    save, shown, _ = EDITS[edit]
    times: dict[str, list[float]] = {"event": [], "other": []}
    for i in range(runs):
        version = version_of(serve.get(url))
        listener_ready = threading.Event()
        done = threading.Event()

        def listen(version: str, listener_ready: threading.Event, done: threading.Event) -> None:
            listener_ready.set()
            wait_reload(serve.port, version, url)
            done.set()

        t = threading.Thread(target=listen, args=(version, listener_ready, done))
        t.start()
        listener_ready.wait()
        time.sleep(0.2)  # let the connection register before the save (a benchmark, not a test)
        words = f"Event run {i}"
        builds = len(rebuild_times(serve.lines))
        started = time.perf_counter()
        save(md, words)
        done.wait(300)
        page = serve.get(url)
        times["event"].append(time.perf_counter() - started)
        assert shown(words) in page, "the reloaded page lacks the edit"
        if edit == "template":
            asked = time.perf_counter()
            assert shown(words) in serve.get(other), "another page lacks the edit"
            times["other"].append(time.perf_counter() - asked)
        t.join()
        serve.wait_rebuilt(builds + 1)  # the next save starts from a finished rebuild
    return times


def measure_browser(serve: Serve, md: Path, url: str, runs: int, edit: str) -> list[float]:
    """Save -> an open Chromium tab shows the edit, N times."""
    from playwright.sync_api import sync_playwright

    save, _, shows = EDITS[edit]
    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{serve.port}{url}")
        for i in range(runs):
            page.wait_for_load_state("load")
            time.sleep(0.3)  # the tab's EventSource connects after load
            words = f"Browser run {i}"
            builds = len(rebuild_times(serve.lines))
            started = time.perf_counter()
            save(md, words)
            page.wait_for_function(shows, arg=words, timeout=300_000, polling=5)
            times.append(time.perf_counter() - started)
            serve.wait_rebuilt(builds + 1)
        browser.close()
    return times


def summary(name: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    return (
        f"{name:8} n={len(ms):<3} median {statistics.median(ms):7.0f} ms   min {ms[0]:7.0f} ms   "
        f"p90 {p90:7.0f} ms   max {ms[-1]:7.0f} ms"
    )


def rebuild_times(lines: list[str]) -> list[float]:
    return [float(m.group(1)) for line in lines if (m := re.search(r"pages? written in (\d+\.\d+) s", line))]


def cmd_reload(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="broadsheet-latency-") as tmp:
        site = prepare_site(args, Path(tmp))
        n = len(list((site / "content").rglob("*.md")))
        started = time.perf_counter()
        serve = Serve(site)
        print(f"site: {n} articles; first build and start: {time.perf_counter() - started:.2f} s")
        try:
            md, url = pick_article(site)
            print(f"editing {md.relative_to(site)} ({url})")
            print(f"edit: the {args.edit}")
            other = pick_article(site, last=True)[1]
            results = [*measure_event(serve, md, url, args.runs, args.edit, other).items()]
            if not args.no_browser:
                results.append(("browser", measure_browser(serve, md, url, args.runs, args.edit)))
            for name, times in results:  # before stopping: a slow exit must not lose them
                if times:
                    print(summary(name, times), flush=True)
        finally:
            took = serve.stop()
        builds = rebuild_times(serve.lines)[1:]
        if builds:
            print(f"rebuild  median {statistics.median(builds) * 1000:7.0f} ms (as printed by serve)")
        print(f"Ctrl-C to exit: {took * 1000:.0f} ms")


def run_wrk(url: str, seconds: int, connections: int) -> dict[str, str]:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
    total = re.search(r"(\d+) requests in", out).group(1)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p50 = re.search(r"(?m)^\s+50%\s+(\S+)", out).group(1)
    return {
        "req/s": rps,
        "requests": total,
        "p50": p50,
        "socket errors": socket_errors.group(1) if socket_errors else "none",
        "non-2xx/3xx": non_2xx.group(1) if non_2xx else "0",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cmd_wrk(args: argparse.Namespace) -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="broadsheet-wrk-") as tmp:
        site = prepare_site(args, Path(tmp))
        serve = Serve(site)
        try:
            _, url = pick_article(site)
            rows = [
                ("broadsheet serve", run_wrk(f"http://127.0.0.1:{serve.port}{url}", args.seconds, args.connections))
            ]
        finally:
            serve.stop()
        port = free_port()
        plain = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                "--directory",
                str(site / ".broadsheet-cache" / "preview"),
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            rows.append(
                ("python -m http.server", run_wrk(f"http://127.0.0.1:{port}{url}", args.seconds, args.connections))
            )
        finally:
            plain.send_signal(signal.SIGINT)
            plain.wait(timeout=10)
    print(f"wrk -t2 -c{args.connections} -d{args.seconds}s {url} on 127.0.0.1")
    for name, r in rows:
        print(
            f"{name:22} {r['req/s']:>9} req/s  {r['requests']:>7} requests  p50 {r['p50']:>8}  "
            f"socket errors: {r['socket errors']}  non-2xx/3xx: {r['non-2xx/3xx']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("reload", "wrk"):
        p = sub.add_parser(name)
        p.add_argument("--site", type=Path, help="site folder to copy (default: the repo's sample site)")
        p.add_argument("--corpus", type=int, help="use a synthetic corpus of N articles instead")
        p.add_argument("--make-corpus", type=Path, default=MAKE_CORPUS, help="path to make_corpus.py")
    sub.choices["reload"].add_argument("--runs", type=int, default=10)
    sub.choices["reload"].add_argument("--no-browser", action="store_true", help="skip the Chromium measurement")
    sub.choices["reload"].add_argument(
        "--edit", choices=sorted(EDITS), default="headline", help="what each save changes"
    )
    sub.choices["wrk"].add_argument("--seconds", type=int, default=10)
    sub.choices["wrk"].add_argument("--connections", type=int, default=10)
    args = parser.parse_args()
    {"reload": cmd_reload, "wrk": cmd_wrk}[args.command](args)


if __name__ == "__main__":
    main()
