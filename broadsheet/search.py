"""Site search: Pagefind indexes the finished pages (article headlines and bodies only)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .errors import BuildError, Problem

BUNDLE = "pagefind"  # the folder, inside the output, that holds the index and pagefind.js
TIMEOUT = 300


def index_search(folder: Path) -> None:
    """Index the HTML in folder into folder/pagefind/; raise BuildError if Pagefind fails."""
    import pagefind_bin_extended  # imported here so builds that write nothing never need it

    command = [str(pagefind_bin_extended.get_executable()), "--site", str(folder), "--output-subdir", BUNDLE, "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise BuildError([Problem(folder, None, f"search indexing could not run: {e}")]) from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BuildError([Problem(folder, None, f"search indexing failed: {detail[-1] if detail else done.returncode}")])
