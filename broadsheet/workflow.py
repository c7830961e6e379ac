"""The GitHub Actions workflow `init` writes, and where it installs Broadsheet from.

The package index's `broadsheet` is another project: the workflow must install this one from where the paper
got it, a Git URL pinned to a commit or tag, or an archive's URL. `init --install` says where; without it, the
installed distribution's own record (PEP 610's direct_url.json) tells when it was installed from such a URL.
"""

from __future__ import annotations

import json
from importlib import metadata
from urllib.parse import urlsplit

from broadsheet.errors import UsageError

DISTRIBUTION = "broadsheet"
REACHABLE = ("https", "http", "ssh")  # a runner cannot reach file:// or a path on this machine


def install_source(given: str | None, direct_url: str | None = None) -> str | None:
    """Return the pip requirement the workflow installs Broadsheet with; None when nothing tells.

    `given`: `init --install`; `direct_url`: the text of direct_url.json (default: the installed distribution's).
    """
    if given is not None:
        return checked_source(given.strip())
    text = direct_url if direct_url is not None else installed_direct_url()
    return source_from_direct_url(text) if text else None


def checked_source(spec: str) -> str:
    """Refuse a source a GitHub runner cannot install from (a bare name, a local path); raise UsageError."""
    url = spec.removeprefix("git+") if spec.startswith("git+") else spec if spec.startswith("http") else ""
    if urlsplit(url).scheme not in REACHABLE:
        raise UsageError(
            f"--install: {spec!r} is not something a GitHub runner can install Broadsheet from; give "
            "a Git URL pinned to a tag or commit, such as 'git+https://github.com/you/broadsheet@v1.0', "
            "or the https:// URL of a release archive (the index's 'broadsheet' is another project)"
        )
    return spec


def installed_direct_url() -> str | None:
    """Return the installed distribution's direct_url.json, if pip recorded one."""
    try:
        return metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None


def source_from_direct_url(text: str) -> str | None:
    """Turn a PEP 610 record into a pinned requirement: git+URL@commit, or an archive's URL; None for a local one."""
    try:
        record = json.loads(text)
        url = record["url"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(url, str) or urlsplit(url).scheme not in REACHABLE:
        return None
    vcs = record.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return f"git+{url}@{vcs['commit_id']}"
    if isinstance(record.get("archive_info"), dict):
        return url
    return None


def workflow(source: str | None, cron: str) -> str:
    """Return the workflow's text, installing Broadsheet from `source` (None: a step that stops, saying what to set)."""
    return WORKFLOW.replace("{cron}", cron).replace("{source}", json.dumps(source or ""))


WORKFLOW = """\
# Builds and publishes the paper on GitHub Pages on every push, and on a schedule so that stories dated in
# the future go live on time. The build cache is kept between runs, so a run that finds nothing new
# rewrites nothing.
#
# The schedule: GitHub starts scheduled runs late when it is busy (often 5 to 30 minutes), and turns them off
# in a public repository after 60 days without a commit (it emails first; turn them on again under Actions).
# In a private repository each run costs at least one minute of the plan's Actions minutes: every 15 minutes
# is about 2,900 minutes a month, more than GitHub Free includes (2,000); "*/30 * * * *" halves it.
name: Publish

on:
  push:
    branches: [main]
  schedule:
    - cron: "{cron}"
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: publish
  cancel-in-progress: false

env:
  # Where pip installs Broadsheet from: its Git repository pinned to a tag or commit
  # (git+https://github.com/you/broadsheet@v1.0) or a release archive's URL. Not "broadsheet": the package
  # index's project of that name is another one.
  BROADSHEET: {source}

jobs:
  publish:
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deploy.outputs.page_url }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install Broadsheet
        run: |
          if [ -z "$BROADSHEET" ]; then
            echo "::error file=.github/workflows/publish.yml::set BROADSHEET to where pip installs Broadsheet from"
            exit 1
          fi
          pip install "$BROADSHEET"
      - uses: actions/cache@v4
        with:
          path: .broadsheet-cache
          key: broadsheet-cache-${{ github.run_id }}
          restore-keys: broadsheet-cache-
      - run: broadsheet build
      - uses: actions/upload-pages-artifact@v3
        with:
          path: public
      - id: deploy
        uses: actions/deploy-pages@v4
"""
