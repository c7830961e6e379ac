"""Site search: Pagefind indexes the finished pages (article headlines and bodies only)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from broadsheet.errors import BuildError, Problem

BUNDLE = "pagefind"  # the folder, inside the output, that holds the index and pagefind.js
MARKER = b"data-pagefind-body"  # a theme asks for search by marking what to index
TIMEOUT = 300


def wants_search(folder: Path) -> bool:
    """Tell whether any page in folder marks content for the search index."""
    return any(MARKER in page.read_bytes() for page in folder.rglob("*.html"))


def index_search(folder: Path) -> None:
    """Index the marked HTML in folder into folder/pagefind/; raise BuildError if Pagefind fails."""
    if not wants_search(folder):
        return  # no stories yet, or a theme without search: nothing to index
    import pagefind_bin_extended  # imported here so builds that write nothing never need it

    command = [str(pagefind_bin_extended.get_executable()), "--site", str(folder), "--output-subdir", BUNDLE, "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise BuildError([Problem(folder, None, f"search indexing could not run: {e}")]) from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BuildError([Problem(folder, None, f"search indexing failed: {detail[-1] if detail else done.returncode}")])
