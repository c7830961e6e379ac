"""What the default theme's templates call: asset(), image(), reading time."""

from __future__ import annotations

import html
import math
import re

import jinja2

from broadsheet.plan.assets import AssetPlan
from broadsheet.plan.images import ImagePlan, ImageSet

WORDS_PER_MINUTE = 230  # a common estimate for adults reading news prose on screen
_TAG = re.compile(r"<[^>]+>")


def add_theme_globals(env: jinja2.Environment, assets: AssetPlan, images: ImagePlan) -> None:
    """Give templates asset("css/site.css"), image(url) and reading_minutes(html)."""

    def asset(path: str) -> str:
        try:
            return assets.url(path)
        except LookupError as e:
            raise jinja2.TemplateRuntimeError(str(e)) from None

    def image(url: str) -> ImageSet:
        return images.image(url)

    env.globals["asset"] = asset
    env.globals["image"] = image
    env.globals["reading_minutes"] = reading_minutes


def reading_minutes(body_html: str) -> int:
    """Return the minutes an article body takes to read, at least one."""
    words = len(html.unescape(_TAG.sub(" ", body_html)).split())
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
