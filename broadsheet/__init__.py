"""Broadsheet: a static news-site generator.

The public names below are imported when first used (PEP 562): a command that only proves from the cache's
summary that nothing changed never loads Markdown, Jinja or the planner.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from broadsheet.errors import BuildError, Problem, UsageError
    from broadsheet.load.article import Article
    from broadsheet.load.config import Config, load_config
    from broadsheet.load.sources import load_articles
    from broadsheet.model.site import Edition, Paper, build_paper
    from broadsheet.options import BuildOptions, BuildResult
    from broadsheet.pipeline import build
    from broadsheet.plan.page import Page, Plan
    from broadsheet.plan.pages import plan_pages

_WHERE = {
    "Article": "broadsheet.load.article",
    "BuildError": "broadsheet.errors",
    "BuildOptions": "broadsheet.options",
    "BuildResult": "broadsheet.options",
    "Config": "broadsheet.load.config",
    "Edition": "broadsheet.model.site",
    "Page": "broadsheet.plan.page",
    "Paper": "broadsheet.model.site",
    "Plan": "broadsheet.plan.page",
    "Problem": "broadsheet.errors",
    "UsageError": "broadsheet.errors",
    "build": "broadsheet.pipeline",
    "build_paper": "broadsheet.model.site",
    "load_articles": "broadsheet.load.sources",
    "load_config": "broadsheet.load.config",
    "plan_pages": "broadsheet.plan.pages",
}
__all__ = [
    "Article",
    "BuildError",
    "BuildOptions",
    "BuildResult",
    "Config",
    "Edition",
    "Page",
    "Paper",
    "Plan",
    "Problem",
    "UsageError",
    "build",
    "build_paper",
    "load_articles",
    "load_config",
    "plan_pages",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'broadsheet' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
