"""A paper's own files: `init` writes a new paper that builds as it is; `theme eject` copies a theme file in."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from broadsheet import urls
from broadsheet.errors import Problem, UsageError
from broadsheet.guard import OutsideFolder, confined
from broadsheet.paths import THEME_STATIC_SKIPPED
from broadsheet.workflow import workflow

DEFAULT_TIMEZONE = "UTC"
DEFAULT_SECTIONS = ("News", "Sport", "Opinion")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*", re.ASCII)  # as site.toml's `language`
CRON_EVERY = "*/15 * * * *"  # often enough that a scheduled story goes live within a quarter of an hour


@dataclass(frozen=True, slots=True)
class PaperSettings:
    """What `init` asks for: the rest of site.toml starts at its defaults."""

    title: str
    timezone: str
    sections: tuple[str, ...]
    language: str = "en"
    install: str | None = None  # where the workflow installs Broadsheet from (None: the workflow says to set it)


def settings(
    folder: Path,
    title: str | None,
    timezone: str | None,
    sections: str | None,
    language: str | None = None,
    install: str | None = None,
) -> PaperSettings:
    """Check the settings given (a missing one takes its default); raise UsageError."""
    title = (title if title is not None else default_title(folder)).strip()
    if not title:
        raise UsageError("--title must not be empty")
    timezone = (timezone or DEFAULT_TIMEZONE).strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"--timezone: unknown time zone {timezone!r}; use an IANA name such as 'America/Vancouver'"
        ) from None
    names = tuple(dict.fromkeys(s.strip() for s in sections.split(","))) if sections else DEFAULT_SECTIONS
    if not all(names) or not all(urls.slugify(n) for n in names):
        raise UsageError(
            f"--sections: give names separated by commas, such as 'Local, Politics, Sport', not {sections!r}"
        )
    language = (language or "en").strip()
    if not LANGUAGE_TAG.fullmatch(language):
        raise UsageError(f"--language: {language!r} is not a language tag; use one such as 'en', 'fr' or 'pa'")
    return PaperSettings(title, timezone, tuple(names), language, install)


def default_title(folder: Path) -> str:
    """Name a paper after its folder: `harbour-times` becomes 'Harbour Times'."""
    words = Path(folder).resolve().name.replace("-", " ").replace("_", " ").split()
    return " ".join(w[:1].upper() + w[1:] for w in words) or "The Daily Paper"


def init_paper(folder: Path, paper: PaperSettings, now: datetime) -> list[Path]:
    """Write a new paper into `folder`; refuse (UsageError) if any of its files already exists."""
    files = paper_files(paper, now)
    targets = init_targets(folder, files)
    written = []
    for rel, text in files.items():
        path = targets[rel]
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as fh:  # "x": should a file appear meanwhile, fail, not overwrite
            fh.write(text)
        written.append(path)
    return written


def init_targets(folder: Path, files: dict[str, str]) -> dict[str, Path]:
    """Judge every file init would write before it writes one (UsageError): inside the folder, links resolved,
    none there already, and nothing but folders (or nothing) on the way to each."""
    if os.path.lexists(folder) and not os.path.isdir(folder):
        raise UsageError(f"init: {folder} exists and is not a folder; name a new or empty folder")
    try:
        targets = {rel: confined(folder, rel) for rel in files}
    except OutsideFolder as e:
        raise UsageError(f"init: {e}") from None
    existing = [folder / rel for rel, path in targets.items() if os.path.lexists(path)]
    if existing:
        shown = ", ".join(str(p) for p in existing[:5]) + (" …" if len(existing) > 5 else "")
        raise UsageError(f"init never overwrites: {shown} already exist{'s' if len(existing) == 1 else ''}")
    for path in targets.values():
        for parent in path.parents:
            if os.path.lexists(parent) and not os.path.isdir(parent):
                raise UsageError(f"init: {parent} is in the way and is not a folder; nothing was written")
    return targets


def paper_files(paper: PaperSettings, now: datetime) -> dict[str, str]:
    """Return each file of the new paper by its path in the paper's folder."""
    tz = ZoneInfo(paper.timezone)
    local = (now if now.tzinfo else now.replace(tzinfo=tz)).astimezone(tz).replace(second=0, microsecond=0)
    files = {
        "site.toml": site_toml(paper),
        "README.md": readme(paper),
        ".gitignore": GITIGNORE,
        ".github/workflows/publish.yml": workflow(paper.install, CRON_EVERY),
        "templates/.gitkeep": TEMPLATES_NOTE,
        "static/.gitkeep": STATIC_NOTE,
    }
    for i, (slug, title, tags, body) in enumerate(STORIES):
        section = paper.sections[i % len(paper.sections)]
        date = (local - timedelta(hours=1 + 26 * i)).isoformat()
        front = [
            f"title: {json.dumps(title.format(title=paper.title))}",
            f"section: {json.dumps(section)}",
            "author: The Editors",
            f"date: {date}",
        ]
        if tags:
            front.append("tags: [" + ", ".join(tags) + "]")
        files[f"content/{urls.slugify(section)}/{slug}.md"] = (
            "---\n" + "\n".join(front) + "\n---\n" + body.format(title=paper.title)
        )
    return files


def site_toml(paper: PaperSettings) -> str:
    sections = ", ".join(json.dumps(s) for s in paper.sections)
    return SITE_TOML.format(
        title=json.dumps(paper.title),
        timezone=json.dumps(paper.timezone),
        sections=sections,
        language=json.dumps(paper.language),
    )


def readme(paper: PaperSettings) -> str:
    return README.format(title=paper.title, cron=crontab_line(Path("/path/to/your/paper")))


def crontab_line(folder: Path, program: str = "broadsheet") -> str:
    """Return the crontab line that rebuilds the paper on a schedule (its cache stays in the folder between runs)."""
    return f"{CRON_EVERY} cd {shlex.quote(str(folder))} && {shlex.quote(program)} build >> build.log 2>&1"


SITE_TOML = """\
# The paper's settings. The four keys at the top are required; the rest show their defaults.

title = {title}                     # the paper's name, on every page and in every feed
base_url = "https://example.com"    # where the paper is published (a build warns until you set it); may carry
                                    # a path: "https://you.github.io/paper/"
timezone = {timezone}               # an IANA name; story dates without an offset are read in it
# The sections: the navigation, in order; each is at /<slug>/ ("Arts & Culture" is /arts-culture/). A story's
# `section:` line decides its section, not its folder: content/<slug>/ is only a tidy place to keep it.
# A section may set its slug: {{ name = "ਪੰਜਾਬ", slug = "punjab" }} is at /punjab/ (`new --section punjab`).
sections = [{sections}]
language = {language}  # the pages' <html lang>, dates and interface words

# per_page = 20                     # stories per section, author and topic page
# more_from = 6                     # stories in the "More from <Section>" column beside an article
# date_format = "%d %b, %Y %I:%M %p"  # how dates are shown (strftime)
# feed_size = 20                    # entries in each feed
# feed_content = "full"             # "full" stories in feeds, or only the "summary"
# logo = "/images/logo.png"         # the publisher's logo for search engines and the share image of
#                                   # stories without a picture; put the file in static/
# image_widths = [320, 640, 960, 1280]  # resized copies made of each lead image
# search = true                     # the search page and its index
# includes = "client"               # how the date, the banner and the latest stories reach every page: "client",
#                                   # "ssi" (nginx, Apache), "esi" (Fastly, Varnish) or "static" (see the README)
# keep = []                         # names at the top of the output that every build leaves alone
# max_file_size = 2097152           # the largest story file read, in bytes
# sanitize = false                  # strip scripts and inline HTML from stories sent by outside contributors
# markdown_time_limit = 10          # seconds one story may take to convert
# render_time_limit = 30            # seconds one page may take to draw

# Another edition, in another language, at /<code>/ (a story joins it with `lang: <code>`):
# [languages.fr]
# title = "La Gazette"              # optional: defaults to the paper's title
# sections = ["Local", "Sports"]    # this edition's sections, in its own words

# The browser editor at /admin/ (Decap CMS). Uncomment [cms] alone to edit in the browser through
# `broadsheet serve`; add the repository to edit the published site through GitHub (see the README).
# [cms]
# repo = "owner/name"               # the paper's repository on GitHub
# branch = "main"                   # the branch the paper is built from
# auth_url = "https://auth.example.org"  # your OAuth client for GitHub logins (default: Netlify's)
# workflow = false                  # true: stories wait for review as pull requests before they go live
"""

GITIGNORE = """\
# What a build writes: the pages, and the memory that makes the next build fast.
/public/
/.broadsheet-cache/
/build.log
"""

TEMPLATES_NOTE = """\
# A file here replaces the theme's file of the same name: templates/partials/byline.html replaces just the
# byline. Copy one out to edit it with `broadsheet theme eject partials/byline.html`.
"""

STATIC_NOTE = """\
# A file here is published as it is, at the same path: static/images/logo.png is /images/logo.png.
# One with the name of a theme file (css/site.css, favicon.svg) replaces it.
"""

README = """\
# {title}

A newspaper built with Broadsheet.

- `broadsheet new "A headline" --section NAME --author "Your Name"` starts a story in `content/`.
- `broadsheet serve` previews the paper at http://127.0.0.1:8000/ and reloads it on every save.
- `broadsheet build` writes the paper into `public/`, ready for any static host.

## The look

The paper uses the theme Broadsheet ships. A file in `templates/` or `static/` replaces the theme's file of
the same name, one file at a time; `broadsheet theme eject PATH` copies one out for you to edit.

## Publishing on a schedule

`.github/workflows/publish.yml` publishes on GitHub Pages on every push and every 15 minutes. On your own
server, the same schedule is one crontab line (`crontab -e`):

    {cron}
"""

STORIES = (
    (
        "welcome",
        "Welcome to {title}",
        ["about-us"],
        """\
This is the first story in {title}. It lives in a plain text file under `content/`, and the lines between
the two `---` markers at the top say what it is: its headline, its section, who wrote it and when.

Everything below those lines is the story itself, written in Markdown. A blank line starts a new paragraph;
a line that begins with `##` is a subheading; a word between two asterisks is *emphasised*.

Replace this story with your own, or keep it until the first real one is filed.
""",
    ),
    (
        "how-a-story-goes-live",
        "How a story reaches the front page",
        ["about-us", "how-to"],
        """\
A story appears on the front page, in its section and in the feeds as soon as the paper is built at or
after the time in its `date` line. A story dated tomorrow morning waits, unseen, until a build runs then.

That is why the paper is rebuilt on a schedule. Mark a story `draft: true` and it stays out of the paper
altogether until the line is removed.

Corrections are part of the record: list them in the story's front matter, and each appears at its foot,
dated, and tells search engines the story changed:

    corrections:
      - date: 2026-02-12 16:00
        text: "An earlier version of this story misstated the vote count."
""",
    ),
    (
        "letters",
        "Letters: what should this paper cover?",
        [],
        """\
Every paper starts with a question to its readers. Which council meetings go unreported? Which teams play
every weekend in front of a few dozen parents and nobody else? Which shops opened, and which closed?

Write to the editors. The best letters will run here, in this section, with the writer's name.
""",
    ),
)


EJECTED = "ejected.toml"  # in the site folder: which theme files were copied in, and the theme's bytes then
THEME_FOLDERS = ("templates", "static")
THEME_STATIC_SKIPPED_PATHS = tuple(f"static/{p}" for p in THEME_STATIC_SKIPPED)


def theme_file(theme_dir: Path, name: str) -> str:
    """Return a theme file's path under the theme (templates/… or static/…); raise UsageError naming the choices."""
    rel = Path(name).as_posix().lstrip("/")
    candidates = [rel] if rel.split("/", 1)[0] in THEME_FOLDERS else [f"{top}/{rel}" for top in THEME_FOLDERS]
    for candidate in candidates:
        path = theme_dir / candidate
        skipped = candidate.startswith(THEME_STATIC_SKIPPED_PATHS)
        if ".." not in Path(candidate).parts and path.is_file() and not skipped:
            return candidate
    raise UsageError(f"the theme has no file {name!r}; its files are:\n  " + "\n  ".join(theme_listing(theme_dir)))


def theme_listing(theme_dir: Path) -> list[str]:
    """List the theme's files, as `theme eject` names them."""
    return sorted(
        p.relative_to(theme_dir).as_posix()
        for top in THEME_FOLDERS
        for p in (theme_dir / top).rglob("*")
        if p.is_file() and not p.relative_to(theme_dir).as_posix().startswith(THEME_STATIC_SKIPPED_PATHS)
    )


def eject(site_dir: Path, theme_dir: Path, name: str) -> Path:
    """Copy one theme file into the site, to edit; remember the theme's bytes so that check can tell of upgrades."""
    rel = theme_file(theme_dir, name)
    top, _, inside = rel.partition("/")
    if os.path.lexists(site_dir / rel):
        raise UsageError(f"{site_dir / rel} already exists; the site already has its own {rel}")
    try:  # both files are judged before either is written: templates/ (or static/) and the record
        target = confined(site_dir / top, inside)
        record_path = confined(site_dir, EJECTED)
    except OutsideFolder as e:
        raise UsageError(f"theme eject: {e}") from None
    if os.path.lexists(target):
        raise UsageError(f"{site_dir / rel} already exists; the site already has its own {rel}")
    data = (theme_dir / rel).read_bytes()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as fh:
        fh.write(data)
    record = ejected(site_dir)
    record[rel] = fingerprint(data)
    write_ejected(record_path, record)
    return site_dir / rel


def fingerprint(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def ejected(site_dir: Path) -> dict[str, str]:
    """Read which theme files the site ejected, with the theme's fingerprint of each at the time."""
    try:
        files = tomllib.loads((site_dir / EJECTED).read_text(encoding="utf-8")).get("files", {})
    except (FileNotFoundError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def write_ejected(path: Path, record: dict[str, str]) -> None:
    lines = [EJECTED_HEADER, "[files]", *(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in sorted(record.items()))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


EJECTED_HEADER = """\
# Theme files this site copied in with `broadsheet theme eject`, each with a fingerprint of the theme's file
# as it was then. `broadsheet check` warns when the theme's file has changed since (after an upgrade):
# compare the two, carry over what you want, then put the new fingerprint here (check prints it).
"""


def ejected_warnings(site_dir: Path, theme_dir: Path) -> list[Problem]:
    """Warn of each ejected file whose original in the theme changed since it was ejected."""
    warnings = []
    for rel, then in sorted(ejected(site_dir).items()):
        try:
            now = fingerprint((theme_dir / rel).read_bytes())
        except OSError:
            warnings.append(
                Problem(
                    site_dir / rel,
                    None,
                    f"warning: the theme no longer has {rel}; this copy is all there is (remove it from {EJECTED})",
                )
            )
            continue
        if now != then:
            warnings.append(
                Problem(
                    site_dir / rel,
                    None,
                    f"warning: the theme's {rel} changed since it was ejected; "
                    f"compare with {theme_dir / rel}, "
                    f'then set it to "{now}" in {EJECTED}',
                )
            )
    return warnings
