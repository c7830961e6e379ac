"""Interface words and dates in each edition's language: gettext catalogs and CLDR (Babel).

The theme's words are marked in its templates with Jinja's i18n extension ({% trans %}, _(), ngettext) and
translated in gettext catalogs: the theme's `locales/<code>/LC_MESSAGES/messages.po`, under which a site's
own `locales/` adds a language or replaces single strings. Catalogs are compiled when the environment is
made (Babel reads the .po files; no compiled .mo is needed), and each page is drawn in its own edition's
language: the gettext callables read `site.language` from the page being drawn.

Dates: a language other than English, with no `date_format` of its own, has its dates written by CLDR
(`ਵੀਰਵਾਰ, 12 ਫ਼ਰਵਰੀ 2026`); an English site, or one that sets `date_format`, keeps its strftime pattern.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date, format_skeleton, format_time, get_datetime_format
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from broadsheet.errors import BuildError, Problem
from broadsheet.load.config import DEFAULT_DATE_FORMAT, Config
from broadsheet.load.dates import DateOnly
from broadsheet.paths import read_regular
from broadsheet.plan.feeds import xml_text
from broadsheet.render.digests import DOMAIN, catalog_files, locales_of

_TIME_DIRECTIVE = re.compile(r"[\s,:.]*%-?[HIklMSpPfzZXTRrc]")


def compile_catalogs(template_layers: tuple[Path, ...], languages: tuple[str, ...]) -> dict[str, NullTranslations]:
    """Compile each language's catalog: the theme's messages, each replaced by the site's where it has one."""
    out: dict[str, NullTranslations] = {}
    problems: list[Problem] = []
    layers = [catalog_files(folder) for folder in reversed(locales_of(template_layers))]  # the theme's first
    for language in languages:
        merged = None
        for files in layers:
            path = files.get(language) or files.get(language.split("-")[0])
            if path is None:
                continue
            try:
                catalog = read_po(
                    io.BytesIO(read_regular(path) or b""), locale=_locale(language), domain=DOMAIN, abort_invalid=True
                )
            except Exception as e:  # noqa: BLE001 -- a broken catalog is the site's problem to fix, reported
                problems.append(Problem(path, getattr(e, "lineno", None), f"cannot read the catalog: {e}"))
                continue
            problems += placeholder_problems(path, catalog)
            if merged is None:
                merged = catalog
            else:
                override(merged, catalog)
        if merged is not None:
            data = io.BytesIO()
            write_mo(data, merged)
            data.seek(0)
            out[language] = Translations(data, domain=DOMAIN)
    if problems:
        raise BuildError(problems)
    return out


_PLACEHOLDER = re.compile(r"%(?:%|\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|(.?))")


def placeholder_problems(path: Path, catalog: Catalog) -> list[Problem]:
    """Report each translation whose placeholders the page could not fill: a name its message does not give,
    or a '%' that starts no placeholder (a literal one is '%%'), at the .po file's line."""
    problems = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not ids[0]:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        given = {name for text in ids for name, _ in (m.groups() for m in _PLACEHOLDER.finditer(text)) if name}
        for text in filter(None, strings):
            for m in _PLACEHOLDER.finditer(text):
                name, stray = m.groups()
                if stray is not None:
                    problems.append(
                        Problem(
                            path,
                            message.lineno,
                            f"the translation of {ids[0]!r} has a '%' that "
                            "starts no %(name)s placeholder; write '%%' for one",
                        )
                    )
                elif name and name not in given and not (len(ids) > 1 and name == "num"):
                    gives = ", ".join(sorted(given)) or "none"
                    problems.append(
                        Problem(
                            path,
                            message.lineno,
                            f"the translation of {ids[0]!r} uses "
                            f"%({name})s, which the message does not give (it gives: {gives})",
                        )
                    )
    return problems


def override(catalog: Catalog, over: Catalog) -> None:
    """Put each message `over` translates into the catalog, in place of the catalog's own (the site's words win)."""
    for message in over:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not message.id or not any(strings):
            continue
        current = catalog.get(message.id)
        if current is None:
            catalog[message.id] = message
        else:  # Catalog's own assignment merges comments and flags but keeps the old translation
            current.string = message.string


def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def install_i18n(
    env: jinja2.Environment, template_layers: tuple[Path, ...], config: Config, record: Callable[[], Any]
) -> None:
    """Give templates gettext and ngettext in the language of the page being drawn, and its date filters."""
    languages = tuple(e.language for e in config.editions)
    catalogs = compile_catalogs(template_layers, languages)
    null = NullTranslations()

    def translations(context: Any) -> NullTranslations:
        record()  # the page depends on the catalogs
        return catalogs.get(_language(context, config), null)

    @jinja2.pass_context
    def gettext(context: Any, message: str) -> str:
        return in_markup(context, translations(context).ugettext(message))

    @jinja2.pass_context
    def ngettext(context: Any, singular: str, plural: str, n: int) -> str:
        return in_markup(context, translations(context).ungettext(singular, plural, n))

    @jinja2.pass_context
    def pgettext(context: Any, message_context: str, message: str) -> str:
        return in_markup(context, translations(context).upgettext(message_context, message))

    @jinja2.pass_context
    def npgettext(context: Any, message_context: str, singular: str, plural: str, n: int) -> str:
        return in_markup(context, translations(context).unpgettext(message_context, singular, plural, n))

    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext)
    add_date_filters(env, config)


def in_markup(context: Any, text: str) -> str:
    """Return a translation as the page takes it: Jinja trusts one as markup (an HTML page's words may hold a
    link), but a feed's or sitemap's text is XML text, in which a catalog's '&' or '<' must arrive escaped."""
    return markupsafe.Markup(markupsafe.escape(xml_text(text))) if str(context.name).endswith(".xml") else text


def _language(context: Any, config: Config) -> str:
    site = context.get("site")
    return getattr(site, "language", None) or config.language


def date_part(date_format: str) -> str:
    """Return a strftime pattern without its time of day: a story dated with a day shows no "12:00 AM"."""
    return _TIME_DIRECTIVE.sub("", date_format).strip(" ,:.-") or "%Y-%m-%d"


def clock(dt: datetime, locale: Locale) -> str:
    """Write a time of day as the locale does; a twelve-hour clock by its day periods ("9:00 ਸਵੇਰੇ"), which CLDR
    has in each language where its AM/PM markers may be left in English."""
    if "a" in locale.time_formats["short"].pattern:
        return format_skeleton("Bhm", dt, locale=locale)
    return format_time(dt, "short", locale=locale)


def uses_cldr(edition: Config) -> bool:
    """Tell whether an edition's dates are written by CLDR: not English, and no date_format of its own."""
    return not edition.language.lower().startswith("en") and edition.date_format == DEFAULT_DATE_FORMAT


def add_date_filters(env: jinja2.Environment, config: Config) -> None:
    """The filters that write dates and numbers, each in the language of the page being drawn."""
    tz = config.timezone

    def local(dt: datetime | date) -> datetime | date:
        return dt.astimezone(tz) if isinstance(dt, datetime) else dt  # a plain date (the edition) has no zone

    def edition_of(context: Any) -> Config:
        return config.edition_of(_language(context, config)) or config

    @jinja2.pass_context
    def dateline(context: Any, dt: datetime) -> str:
        edition = edition_of(context)
        if uses_cldr(edition) and (locale := _locale(edition.language)) is not None:
            day = format_date(local(dt), "medium", locale=locale)
            if type(dt) is DateOnly:
                return day
            time = clock(local(dt), locale)
            return get_datetime_format("medium", locale=locale).replace("{1}", day).replace("{0}", time)
        if type(dt) is DateOnly:
            return dt.strftime(date_part(edition.date_format))
        return local(dt).strftime(edition.date_format)

    @jinja2.pass_context
    def edition_date(context: Any, dt: datetime | date) -> str:
        edition = edition_of(context)
        if uses_cldr(edition) and (locale := _locale(edition.language)) is not None:
            return format_date(local(dt), "full", locale=locale)
        return f"{local(dt):%A, %B} {local(dt).day}, {local(dt).year}"

    @jinja2.pass_context
    def number(context: Any, n: float) -> str:
        locale = _locale(_language(context, config))
        return format_decimal(n, locale=locale) if locale is not None else str(n)

    env.filters["og_locale"] = og_locale
    env.filters["local"] = local
    env.filters["dateline"] = dateline
    env.filters["edition_date"] = edition_date
    env.filters["number"] = number


def og_locale(language: str) -> str:
    """Return a language tag in Facebook's locale form, language_TERRITORY ('pa' -> 'pa_IN', 'pt-BR' -> 'pt_BR'):
    a tag without a territory takes the one CLDR finds likeliest; one CLDR does not know stays as it is."""
    parts = language.replace("-", "_").split("_")
    territory = next((p.upper() for p in parts[1:] if len(p) == 2 or p.isdigit()), None)
    if territory is None:
        likely = get_global("likely_subtags").get(parts[0].lower(), "")
        territory = next((p for p in likely.split("_")[1:] if len(p) == 2 or p.isdigit()), None)
    return f"{parts[0].lower()}_{territory}" if territory else parts[0].lower()
