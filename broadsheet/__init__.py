"""Broadsheet: a static news-site generator."""

from .builder import BuildOptions, BuildResult, build
from .config import Config, load_config
from .content import Article, load_articles
from .errors import BuildError, Problem, UsageError
from .pages import Page, plan_pages
from .site import Site, build_site

__all__ = [
    "Article", "BuildError", "BuildOptions", "BuildResult", "Config", "Page", "Problem", "Site",
    "UsageError", "build", "build_site", "load_articles", "load_config", "plan_pages",
]
__version__ = "0.1.0"
