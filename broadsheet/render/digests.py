"""The templates and their gettext catalogs, fingerprinted without being read as templates: what proving that
nothing changed needs, without importing Jinja or Babel."""

from __future__ import annotations

import os
from pathlib import Path

from broadsheet.paths import read_regular
from broadsheet.stamps import digest

DOMAIN = "messages"
# The catalogs' name among the template digests (never a template's): one digest of every catalog, the site's
# and the theme's, which each page that translates a word depends on; a catalog added or taken away changes it.
CATALOGS = ":locales"


def catalog_files(locales: Path) -> dict[str, Path]:
    """Return each language's catalog in a locales/ folder: {"pa": locales/pa/LC_MESSAGES/messages.po}."""
    found = {}
    if locales.is_dir():
        for folder in sorted(locales.iterdir()):
            po = folder / "LC_MESSAGES" / f"{DOMAIN}.po"
            if po.is_file():
                found[folder.name] = po
    return found


def catalogs_digest(template_layers: tuple[Path, ...]) -> bytes:
    """Fingerprint every catalog beside the templates folders, where each lies and what it holds."""
    parts = []
    for layer, folder in enumerate(locales_of(template_layers)):
        for language, path in catalog_files(folder).items():
            parts.append((layer, language, read_regular(path)))
    return digest(repr(parts).encode())


def locales_of(template_layers: tuple[Path, ...]) -> tuple[Path, ...]:
    """Return the locales/ folder beside each templates/ folder: the site's, then the theme's."""
    return tuple(layer.parent / "locales" for layer in template_layers)


def template_digests(*layers: Path) -> dict[str, bytes]:
    """Return every template name (a file's path under templates/) with the digest of the file it is drawn from.

    The site's own file stands for a name; the theme's (a later layer) only where the site has none, so an
    upgraded theme file changes the digest of exactly the names no site file replaces.
    """
    digests: dict[str, bytes] = {}
    for templates_dir in layers:
        for root, dirs, files in os.walk(templates_dir):
            dirs.sort()
            for name in sorted(files):
                path = Path(root) / name
                rel = path.relative_to(templates_dir).as_posix()
                # A FIFO is reported (paths.link_problems), never read.
                if rel not in digests and (data := read_regular(path)) is not None:
                    digests[rel] = digest(data)
    digests[CATALOGS] = catalogs_digest(layers)  # the gettext catalogs beside them (render/i18n.py)
    return digests
