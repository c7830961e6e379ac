"""site.toml's [cms]: what a newsroom chooses for the browser editor at /admin/ (the rest comes from the site)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from broadsheet.errors import did_you_mean

_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_BRANCH = re.compile(r"[A-Za-z0-9._/-]{1,200}")
KEYS = ("repo", "branch", "auth_url", "workflow")


@dataclass(frozen=True, slots=True)
class CmsConfig:
    """[cms]: the Git host's repository and branch, the OAuth client, and whether edits go through review."""

    repo: str | None = None  # "owner/name" on GitHub; None: editing only through `serve` on this machine
    branch: str = "main"
    auth_url: str | None = None  # the OAuth client's base URL (None: Netlify's, as Decap's default)
    workflow: bool = False  # drafts and reviews as pull requests (Decap's editorial workflow)


def read_cms(table: object, bad: Callable[[str, str], None]) -> CmsConfig | None:
    """Check [cms] and return it; None when the table is unusable (reported)."""
    if not isinstance(table, dict):
        bad("cms", "'cms' must be a table: [cms], with repo = \"owner/name\" for the Git host, or empty")
        return None
    values: dict = {}
    for key, value in table.items():
        if key not in KEYS:
            bad(key, f"[cms]: unknown key '{key}'{did_you_mean(key, list(KEYS))}; the keys are: {', '.join(KEYS)}")
        elif key == "workflow":
            if isinstance(value, bool):
                values[key] = value
            else:
                bad(key, "[cms]: 'workflow' must be true or false")
        elif not isinstance(value, str) or not _PATTERNS[key].fullmatch(value):
            bad(key, f"[cms]: '{key}' must be {_FORMS[key]}, not {value!r}")
        else:
            values[key] = value.rstrip("/") if key == "auth_url" else value
    return CmsConfig(**values)


_PATTERNS = {"repo": _REPO, "branch": _BRANCH, "auth_url": re.compile(r"https://[^\s\"'<>]+")}
_FORMS = {
    "repo": 'the repository as "owner/name"',
    "branch": 'a branch name such as "main"',
    "auth_url": 'the https:// address of the OAuth client, such as "https://auth.example.org"',
}
