"""site.toml: read it, check every key, and give back a frozen Config."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from broadsheet import urls
from broadsheet.errors import BuildError, Problem, UsageError, did_you_mean, one_line
from broadsheet.load.cms import CmsConfig, read_cms
from broadsheet.load.editions import DEFAULT_DATE_FORMAT, direction_of, read_editions
from broadsheet.load.sections import SectionConfig, read_sections, section_called
from broadsheet.paths import read_regular

DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024  # a long feature is ~100 KB; 2 MB leaves room and stops a 50 MB dump
MAX_FILE_SIZE_LIMIT = 1 << 30


@dataclass(frozen=True, slots=True)
class Config:
    """Everything site.toml says, checked and with defaults filled in."""

    path: Path
    title: str
    base_url: str
    timezone: ZoneInfo
    sections: tuple[SectionConfig, ...]
    language: str = "en"
    per_page: int = 20
    more_from: int = 6
    date_format: str = DEFAULT_DATE_FORMAT
    feed_size: int = 20  # entries per Atom feed
    feed_content: str = "full"  # "full" article bodies in feeds, or only the "summary"
    logo: str | None = None  # the publisher's logo (a site path or URL) for JSON-LD
    image_widths: tuple[int, ...] = (320, 640, 960, 1280)  # resized copies of lead images, in pixels
    search: bool = True  # build the Pagefind index and the search page
    includes: str = "client"  # how live regions reach pages: INCLUDES (plan/regions.py)
    keep: tuple[str, ...] = ()  # names in the output folder that every build carries over untouched
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; a bigger content file is refused unread
    sanitize: bool = False  # pass article bodies through an HTML allow-list (nh3)
    markdown_time_limit: float = 10.0  # seconds one story (a live blog's every update included) may take to convert
    render_time_limit: float = 30.0  # seconds one page may take to draw
    params: dict = field(default_factory=dict)  # the site's own settings, [params]: templates read site.params
    # [transparency]: (schema.org property of the NewsMediaOrganization, slug of the standalone page it names)
    transparency: tuple[tuple[str, str], ...] = ()
    folder: str = ""  # the URL folder of this config's edition: "" for the site's own language, else its code
    direction: str = "ltr"  # "rtl" for a language written right to left
    languages: tuple[Config, ...] = ()  # the other editions ([languages.<code>]), each a Config of its own
    cms: CmsConfig | None = None  # [cms]: the browser editor at /admin/ (None: no admin)

    @property
    def editions(self) -> tuple[Config, ...]:
        """Every edition: the site's own (this config) first, then [languages] in the order site.toml gives."""
        return (self, *self.languages)

    def edition_of(self, language: str) -> Config | None:
        """Return the Config of the edition in a language (None: the site has no such edition)."""
        folded = language.casefold()  # language tags are case-insensitive (BCP 47): 'PA' is 'pa'
        return next((e for e in self.editions if e.language.casefold() == folded), None)

    def section_named(self, name: str) -> SectionConfig | None:
        name = unicodedata.normalize("NFC", name)  # a name typed in a terminal may come decomposed
        for s in self.sections:
            if s.name == name:
                return s
        return None

    def section_called(self, text: str) -> SectionConfig | None:
        """Return the section a name or a URL slug names, as `new` and `move` take it (None: none)."""
        return section_called(self.sections, text)


_REQUIRED = ("title", "base_url", "timezone", "sections")
_OPTIONAL = {
    "language": str,
    "per_page": int,
    "more_from": int,
    "date_format": str,
    "feed_size": int,
    "feed_content": str,
    "logo": str,
    "image_widths": list,
    "keep": list,
    "max_file_size": int,
    "sanitize": bool,
    "markdown_time_limit": float,
    "render_time_limit": float,
    "search": bool,
    "params": dict,
    "transparency": dict,
    "includes": str,
}
FEED_CONTENTS = ("full", "summary")
# How what must be fresh on every page (the edition date, the banner, the latest stories) reaches it: a script
# fills it from a fragment (any static host), the server includes it (nginx/Apache SSI, an ESI edge), or it is
# drawn into every page.
INCLUDES = ("client", "ssi", "esi", "static")


def load_config(path: Path, base_url: str | None = None) -> Config:
    """Read site.toml; raise BuildError listing every problem in it."""
    try:
        data = read_regular(path)
        if data is None:
            raise BuildError([Problem(path, None, "not a regular file; site.toml must be a plain text file")])
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise BuildError([Problem(path, None, "site.toml not found; is --site the site folder?")]) from None
    except OSError as e:
        raise BuildError([Problem(path, None, f"cannot read: {e.strerror}")]) from None
    except UnicodeDecodeError as e:
        raise BuildError([Problem(path, None, f"not valid UTF-8 (byte {e.start})")]) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = getattr(e, "lineno", None) or _toml_line(str(e))
        raise BuildError([Problem(path, line, f"invalid TOML: {e}")]) from None
    except RecursionError:
        raise BuildError([Problem(path, None, "invalid TOML: nested too deeply")]) from None
    if base_url is not None:
        if why := base_url_problem(base_url):
            raise UsageError(f"--base-url: {why}")
        raw["base_url"] = base_url
    return parse_config(path, raw, text)


# A host (a name or an IPv6 literal, and a port), and a path for a site that lives under one, and nothing else.
# Whatever else a base_url holds (a newline, a control or invisible character, a space, '#', '?', '@', a quote)
# would land raw in robots.txt, feeds, sitemaps and canonical links.
_BASE_URL = re.compile(
    r"(?i:https?)://(?:[^\s/?#@:\\\"'<>`\[\]{}|^]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?"
    r"(/[^\s?#@\\\"'<>`{}|^]*)?"
)
_BASE_URL_FORM = "a host, or a host and a path such as https://you.github.io/paper/"


PLACEHOLDER_BASE_URL = "https://example.com"  # what `init` writes: a paper must not go out with it


def placeholder_warnings(config: Config) -> list[Problem]:
    """Warn while base_url is still the one `init` wrote: every absolute link (feeds, sitemaps, shares) is wrong."""
    if config.base_url.rstrip("/") != PLACEHOLDER_BASE_URL:
        return []
    text = config.path.read_text(encoding="utf-8", errors="replace") if config.path.is_file() else ""
    return [
        Problem(
            config.path,
            key_line(text, "base_url"),
            f"warning: base_url is still the placeholder "
            f"{PLACEHOLDER_BASE_URL}; set it to where the paper will live (https://you.github.io/paper/) "
            "before publishing, or feeds, sitemaps and shared links point there",
        )
    ]


def base_url_problem(base_url: object) -> str | None:
    """Say what is wrong with a base_url (None: nothing): it must be the plain root of an http(s) host."""
    if not isinstance(base_url, str) or not base_url.lower().startswith(("http://", "https://")):
        return f"'base_url' must be an absolute http(s) URL, not {one_line(repr(base_url))}"
    plain = base_url.isprintable() and not any(c.isspace() for c in base_url)
    m = _BASE_URL.fullmatch(base_url) if plain else None
    path = (m.group(2) or "") if m else ""
    if m is None or "//" in path or {".", ".."} & set(path.split("/")):
        return f"'base_url' must be {_BASE_URL_FORM}, not {one_line(repr(base_url))}"
    if m.group(1) is not None and not 0 < int(m.group(1)) < 65536:
        return f"'base_url' has a port out of range: {base_url!r}"
    return None


# Every number has bounds: a huge one would crash a later stage (a read of 10**30 bytes overflows).
_BOUNDS = {"per_page": (1, 1000), "more_from": (0, 100), "feed_size": (1, 10_000)}
_TYPE_NAMES = {float: "number", bool: "true or false", list: "list", dict: "table (such as [params])"}
# The schema.org properties of a NewsMediaOrganization that name a page, which Google News reads.
TRANSPARENCY_PROPERTIES = (
    "publishingPrinciples",
    "ethicsPolicy",
    "correctionsPolicy",
    "masthead",
    "diversityPolicy",
    "diversityStaffingReport",
    "ownershipFundingInfo",
    "actionableFeedbackPolicy",
    "unnamedSourcesPolicy",
    "verificationFactCheckingPolicy",
    "missionCoveragePrioritiesPolicy",
    "noBylinesPolicy",
)
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*", re.ASCII)
_KEEP_NAME = re.compile(r"^[^/\\\x00]+$")


def check_limits(values: dict) -> list[tuple[str, str]]:
    """Check the safety keys (keep, max_file_size, the time limits); convert keep to a tuple."""
    problems: list[tuple[str, str]] = []
    if "keep" in values:
        names = values["keep"]
        # ".broadsheet-output" is the marker every build writes afresh; keeping the old one would clash.
        bad_names = [
            n
            for n in names
            if not isinstance(n, str) or not _KEEP_NAME.match(n) or n in (".", "..", ".broadsheet-output")
        ]
        if bad_names:
            message = (
                "'keep' must list plain names of files or folders at the top of the output "
                f"(no '/', no '..'), not {bad_names[0]!r}"
            )
            problems.append(("keep", message))
        else:
            values["keep"] = tuple(dict.fromkeys(names))
    if "max_file_size" in values and values["max_file_size"] < 1024:
        problems.append(("max_file_size", "'max_file_size' is in bytes and must be at least 1024"))
    elif "max_file_size" in values and values["max_file_size"] > MAX_FILE_SIZE_LIMIT:
        problems.append(
            ("max_file_size", f"'max_file_size' is in bytes and must be at most {MAX_FILE_SIZE_LIMIT} (1 GiB)")
        )
    for key in ("markdown_time_limit", "render_time_limit"):
        if key in values and not 0 < values[key] <= 3600:  # not 0 < nan either
            problems.append((key, f"'{key}' must be between 0 and 3600 seconds"))
    return problems


def _toml_line(message: str) -> int | None:
    # tomllib's message ends with "(at line N, column M)".
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


def key_line(text: str, key: str) -> int | None:
    for n, line in enumerate(text.splitlines(), 1):
        if key.startswith("[") and line.strip().startswith(key):
            return n
        if line.strip().startswith(key) and line.strip()[len(key) :].lstrip().startswith("="):
            return n
    return None


def parse_config(path: Path, raw: dict, text: str = "") -> Config:
    """Check a decoded site.toml mapping and build the Config from it."""
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(path, key_line(text, key), message))

    known = set(_REQUIRED) | set(_OPTIONAL) | {"languages", "cms"}
    for key in raw:
        if key not in known:
            bad(key, f"unknown key '{key}'{did_you_mean(key, sorted(known))}")
    for key in _REQUIRED:
        if key not in raw:
            problems.append(Problem(path, None, f"missing required key '{key}'"))
    values = optional_values(raw, bad)
    title, base_url, tz = site_identity(raw, bad)
    sections = read_sections(raw, bad)
    if "cms" in raw:
        values["cms"] = read_cms(raw["cms"], bad)
    if problems:
        raise BuildError(problems)
    config = Config(
        path=path,
        title=title.strip(),
        base_url=base_url.rstrip("/"),
        timezone=tz,
        sections=tuple(sections),
        direction=direction_of(values.get("language", "en")),
        **values,
    )
    if "languages" in raw:
        config = replace(config, languages=read_editions(raw, config, bad, read_sections, _LANGUAGE))
        if problems:
            raise BuildError(problems)
    return config


Bad = Callable[[str, str], None]  # reports a problem with a key


def optional_values(raw: dict, bad: Bad) -> dict:
    """Check the optional keys' types and limits; return those that passed."""
    values: dict = {}
    for key, typ in _OPTIONAL.items():
        if key in raw:
            v = raw[key]
            if typ is float and isinstance(v, int) and not isinstance(v, bool):
                v = float(v)
            if not isinstance(v, typ) or (isinstance(v, bool) and typ is not bool):
                bad(key, f"'{key}' must be a {_TYPE_NAMES.get(typ, typ.__name__)}, not {type(v).__name__}")
            else:
                values[key] = v
    for problem in check_limits(values):
        bad(*problem)
        del values[problem[0]]
    for key, (low, high) in _BOUNDS.items():
        if key in values and not low <= values[key] <= high:
            bad(key, f"'{key}' must be at least {low}" if values[key] < low else f"'{key}' must be at most {high}")
            del values[key]
    if values.get("includes", "client") not in INCLUDES:
        bad(
            "includes",
            f"'includes' must be one of {', '.join(map(repr, INCLUDES))}, not {one_line(repr(values.pop('includes')))}",
        )
    if values.get("feed_content", "full") not in FEED_CONTENTS:
        bad("feed_content", f'\'feed_content\' must be "full" or "summary", not {values.pop("feed_content")!r}')
    if "language" in values and not _LANGUAGE.fullmatch(values["language"]):
        # It lands in <html lang>, xml:lang and HTTP-like headers of feeds: a language tag and nothing else.
        bad(
            "language",
            f'\'language\' must be a language tag such as "en" or "pt-BR", not {one_line(repr(values.pop("language")))}',
        )
    if "logo" in values and not values["logo"].strip():
        bad("logo", "'logo' must be a path such as /images/logo.png, or an absolute URL")
        del values["logo"]
    if "image_widths" in values:
        widths = values.pop("image_widths")
        if all(isinstance(w, int) and not isinstance(w, bool) and 16 <= w <= 8192 for w in widths):
            values["image_widths"] = tuple(sorted(set(widths)))
        else:
            bad(
                "image_widths",
                "'image_widths' must be a list of widths in pixels between 16 and 8192, e.g. [320, 640, 960]",
            )
    if "transparency" in values:
        values["transparency"] = read_transparency(values.pop("transparency"), bad)
    if "date_format" in values:
        try:
            datetime(2023, 3, 7, 11, 8).strftime(values["date_format"])
        except ValueError as e:
            bad("date_format", f"bad 'date_format': {e}")
    return values


def read_transparency(table: dict, bad: Bad) -> tuple[tuple[str, str], ...]:
    """Check [transparency]: schema.org property = "slug of a standalone page" (the pages are checked later)."""
    pairs = []
    for prop, slug in table.items():
        if prop not in TRANSPARENCY_PROPERTIES:
            bad(
                prop,
                f"[transparency]: unknown property '{prop}'{did_you_mean(prop, TRANSPARENCY_PROPERTIES)}; "
                f"the properties are: {', '.join(TRANSPARENCY_PROPERTIES)}",
            )
        elif not isinstance(slug, str) or not urls.slugify(slug):
            bad(prop, f"[transparency]: '{prop}' must be the slug of a page in content/pages/, such as \"ethics\"")
        else:
            pairs.append((prop, urls.slugify(slug)))
    return tuple(pairs)


def site_identity(raw: dict, bad: Bad) -> tuple:
    """Check the title, base_url and time zone; return them (unchecked values when bad: the caller raises)."""
    title = raw.get("title")
    if "title" in raw and (not isinstance(title, str) or not title.strip()):
        bad("title", "'title' must be a non-empty string")
    base_url = raw.get("base_url")
    if "base_url" in raw and (why := base_url_problem(base_url)):
        bad("base_url", why)
    tz = None
    if "timezone" in raw:
        try:
            tz = ZoneInfo(str(raw["timezone"]))
        except (ZoneInfoNotFoundError, ValueError):
            bad("timezone", f"unknown time zone {raw['timezone']!r}; use an IANA name such as 'America/Vancouver'")
    return title, base_url, tz
