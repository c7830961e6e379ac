"""Broadsheet: a static news-site generator."""

from broadsheet.errors import BuildError, Problem, UsageError
from broadsheet.load.article import Article
from broadsheet.load.config import Config, load_config
from broadsheet.load.sources import load_articles
from broadsheet.model.site import Edition, Paper, build_paper
from broadsheet.options import BuildOptions, BuildResult
from broadsheet.pipeline import build
from broadsheet.plan.page import Page, Plan
from broadsheet.plan.pages import plan_pages

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
__version__ = "0.1.0"
