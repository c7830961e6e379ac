"""The list of the URLs a build changed (<site>/.broadsheet-cache/changed-urls.txt, or --changed), for CDN purges."""

from __future__ import annotations

from pathlib import Path


def write_changed_urls(path: Path | None, changed_urls: tuple[str, ...]) -> None:
    """List the changed URLs, one per line (None: a check, which writes nothing)."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(url + "\n" for url in changed_urls), encoding="utf-8")
