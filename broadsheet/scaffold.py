"""`broadsheet new` and `move`: start an article file with its front matter filled in, or give it a new URL."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path

import frontmatter

from broadsheet import urls
from broadsheet.errors import BuildError, UsageError, did_you_mean
from broadsheet.guard import confined
from broadsheet.load.article import Article
from broadsheet.load.config import Config, load_config
from broadsheet.load.markdown import MarkdownRenderer
from broadsheet.load.reader import read_article
from broadsheet.load.sections import unknown_section
from broadsheet.paths import PAGES_FOLDER


def new_article(
    site_dir: Path,
    headline: str,
    section: str,
    authors: list[str],
    now: datetime,
    lang: str | None = None,
    translation_key: str | None = None,
) -> Path:
    """Write content/<section-slug>/<slug>.md as a draft (content/<lang>/… for another edition's story);
    never overwrite a file."""
    site = load_config(site_dir / "site.toml")
    config = edition(site, lang)
    configured = config.section_called(section)  # its name, or its URL slug ('punjab' for 'ਪੰਜਾਬ')
    if configured is None:
        raise UsageError(unknown_section(config.sections, section))
    slug = urls.slugify(headline)
    if not slug:
        raise UsageError(f"cannot make a file name from the headline {headline!r}")
    folder = configured.slug if configured.slug != PAGES_FOLDER else f"{PAGES_FOLDER}-section"  # pages/: not stories
    path = confined(site_dir / "content", f"{config.folder}/{folder}/{slug}.md".lstrip("/"))
    local = (now if now.tzinfo else now.replace(tzinfo=config.timezone)).astimezone(config.timezone)
    post = frontmatter.Post(
        "Write the story here. The first paragraph becomes the summary unless you set one.\n",
        title=headline,
        section=configured.name,
        author=authors[0] if len(authors) == 1 else list(dict.fromkeys(authors)),
        date=local.replace(microsecond=0).isoformat(),
        tags=[],
        draft=True,
        **({"lang": config.language} if lang else {}),
        **({"translation_key": translation_key} if translation_key else {}),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as fh:  # "x": fail rather than overwrite
            fh.write(frontmatter.dumps(post, sort_keys=False) + "\n")
    except FileExistsError:
        raise UsageError(f"{path} already exists; pick another headline") from None
    return path


def edition(config: Config, lang: str | None) -> Config:
    """Return the edition a `--lang` names (the site's own without one), or say which there are."""
    if lang is None:
        return config
    found = config.edition_of(lang)
    if found is None:
        codes = [e.language for e in config.editions]
        raise UsageError(
            f"unknown language '{lang}'{did_you_mean(lang, codes)}; the site's editions are: "
            f"{', '.join(codes)} (add a [languages.{lang}] table to site.toml for another)"
        )
    return found


_TOP_LEVEL_KEY = re.compile(r"([A-Za-z_][\w-]*)\s*:")


def move_article(site_dir: Path, path: Path, slug: str | None, section: str | None) -> tuple[str, str]:
    """Give a story a new slug and/or section, keeping its old URL in `aliases`; return (old URL, new URL).

    Only the `slug`, `section` and `aliases` lines of the front matter are rewritten; the rest of the file,
    comments and all, is left as it was. The file is replaced in one step, and put back if it no longer reads.
    """
    if not os.path.isfile(path):
        raise UsageError(f"move: {path} is not a story file")
    path = confined(Path(site_dir) / "content", os.path.abspath(path))
    config = load_config(site_dir / "site.toml")
    renderer = MarkdownRenderer(sanitize=config.sanitize, time_limit=config.markdown_time_limit)
    before = read_article(path, config, renderer)
    if not isinstance(before, Article):
        raise BuildError(before)
    own = config.edition_of(before.lang) or config  # a story moves within its edition
    target = own.section_called(section) if section else own.section_named(before.section)
    if target is None:
        raise UsageError(unknown_section(own.sections, section or before.section))
    new_slug = urls.slugify(slug) if slug else before.slug
    if not new_slug:
        raise UsageError(f"cannot make a URL from the slug {slug!r}")
    new_url = urls.article(target.slug, new_slug, folder=before.folder)
    if new_url == before.url:
        raise UsageError(f"{path} is already at {new_url}")
    fields = {"aliases": [a for a in (*before.aliases, before.url) if a != new_url]}
    if slug:
        fields["slug"] = new_slug
    if section:
        fields["section"] = target.name
    original = path.read_text(encoding="utf-8")
    replace_file(path, with_fields(original, fields))
    if not isinstance(read_article(path, config, renderer), Article):
        replace_file(path, original)
        raise UsageError(f"{path} would not read after the move; it was left as it was")
    return before.url, new_url


def with_fields(text: str, fields: dict[str, object]) -> str:
    """Return a story file with these top-level front-matter fields (each with its own lines) set anew."""
    lines = text.split("\n")
    end = lines.index("---", 1) if "---" in lines[1:] else len(lines)
    kept, skipping = [], False
    for line in lines[1:end]:
        key = _TOP_LEVEL_KEY.match(line)
        if key or (line and not line[0].isspace() and not line.startswith("-")):
            skipping = bool(key) and key.group(1) in fields
        if not skipping:
            kept.append(line)
    added = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items() if v != []]
    return "\n".join([lines[0], *kept, *added, *lines[end:]])


def replace_file(path: Path, text: str) -> None:
    """Write a file whole, through a temporary file renamed over it."""
    tmp = path.with_name(f".{path.name}.moving")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
