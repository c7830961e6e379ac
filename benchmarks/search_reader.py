#!/usr/bin/env python3
"""What the sharded search index costs a reader: the first search on a built site, in Chromium.

    python benchmarks/search_reader.py PUBLIC_DIR WORD [WORD…]

Serves the folder on 127.0.0.1, opens /search/?q=WORD in Debian's Chromium (Playwright, executable_path)
and reports, for each word, the time until the results show, the number of requests and the bytes the
page fetched under /pagefind/ (the first word: a reader's first search, nothing cached; the others:
further searches in the same page).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import chromium, serve  # noqa: E402


def main() -> None:
    folder, words = Path(sys.argv[1]), sys.argv[2:]
    shards = (folder / "pagefind" / "shards.json").read_text()
    print(f"{folder}: {shards.count('shards/')} merged shards besides the head")
    with chromium() as browser, serve(folder) as base:
        page = browser.new_page()
        fetched: list[int] = []
        page.on(
            "requestfinished", lambda r: fetched.append(len(r.response().body())) if "/pagefind/" in r.url else None
        )
        page.goto(f"{base}/search/")
        for word in words:
            fetched.clear()
            started = time.perf_counter()
            page.fill("#search-q", word)
            page.wait_for_function("/match/.test(document.getElementById('search-status').textContent)", timeout=120000)
            seconds = time.perf_counter() - started
            status = page.inner_text("#search-status")
            print(f"{word}: {seconds * 1000:.0f} ms, {len(fetched)} requests, {sum(fetched) // 1024} KB; {status}")


if __name__ == "__main__":
    main()
