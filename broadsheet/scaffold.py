"""`broadsheet new`: start an article file with its front matter filled in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import frontmatter

from broadsheet import urls
from broadsheet.errors import UsageError, did_you_mean
from broadsheet.load.config import load_config


def new_article(site_dir: Path, headline: str, section: str, authors: list[str], now: datetime) -> Path:
    """Write content/<section-slug>/<slug>.md as a draft; never overwrite a file."""
    config = load_config(site_dir / "site.toml")
    configured = config.section_named(section) or next(
        (s for s in config.sections if s.slug == urls.slugify(section)), None
    )
    if configured is None:
        names = [s.name for s in config.sections]
        raise UsageError(f"unknown section '{section}'{did_you_mean(section, names)}; the sections are: {', '.join(names)}")
    slug = urls.slugify(headline)
    if not slug:
        raise UsageError(f"cannot make a file name from the headline {headline!r}")
    path = site_dir / "content" / configured.slug / f"{slug}.md"
    local = (now if now.tzinfo else now.replace(tzinfo=config.timezone)).astimezone(config.timezone)
    post = frontmatter.Post(
        "Write the story here. The first paragraph becomes the summary unless you set one.\n",
        title=headline,
        section=configured.name,
        author=authors[0] if len(authors) == 1 else list(dict.fromkeys(authors)),
        date=local.replace(microsecond=0).isoformat(),
        tags=[],
        draft=True,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as fh:  # "x": fail rather than overwrite
            fh.write(frontmatter.dumps(post, sort_keys=False) + "\n")
    except FileExistsError:
        raise UsageError(f"{path} already exists; pick another headline") from None
    return path
