"""Static CSS and JS under fingerprinted names, so browsers may cache them for a year."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from broadsheet import urls

FINGERPRINTED = (".css", ".js")


@dataclass(frozen=True, slots=True)
class AssetPlan:
    """Which static files get a content-hashed name, and what that name is."""

    names: dict[str, str]  # static path ('css/site.css') -> fingerprinted URL
    files: dict[str, Path]  # fingerprinted output path -> source file

    def url(self, path: str) -> str:
        """Return the URL templates use for a static file; raise if there is no such file."""
        key = path.lstrip("/")
        if key in self.names:
            return self.names[key]
        raise LookupError(f"asset('{path}'): no file static/{key}")


def plan_assets(static: dict[str, Path]) -> AssetPlan:
    """Hash every CSS and JS file; other static files keep their own names."""
    names: dict[str, str] = {}
    files: dict[str, Path] = {}
    for rel, src in static.items():
        if rel.endswith(FINGERPRINTED):
            url = urls.fingerprinted(rel, hashlib.sha256(src.read_bytes()).hexdigest())
            names[rel] = url
            files[urls.output_path(url)] = src
        else:
            names[rel] = "/" + rel
    return AssetPlan(names, files)
