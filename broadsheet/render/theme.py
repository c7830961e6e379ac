"""What the default theme's templates call: asset(), image(), reading time, and body pictures."""

from __future__ import annotations

import html
import math
import re

import jinja2
from markupsafe import Markup

from broadsheet.load.figures import image_tags
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
    env.filters["pictures"] = lambda body_html: Markup(with_pictures(body_html, images))


# The story column: the body is at most --measure (40rem) wide.
BODY_SIZES = "(min-width: 42rem) 40rem, 100vw"


def with_pictures(body_html: str, images: ImagePlan) -> str:
    """Give each site image of a body (marked by load/figures.py) its sizes, srcset, WebP and lazy loading."""
    out, done = [], 0
    for m, attributes in image_tags(body_html):
        found = images.sets.get(html.unescape(attributes.get("src", "")))
        if found is None:
            continue
        out += [body_html[done : m.start()], picture(found, attributes.get("alt", ""))]
        done = m.end()
    return "".join(out) + body_html[done:] if out else body_html


def picture(img: ImageSet, alt: str) -> str:
    """Draw one body image as the theme's picture partial draws a lead image (`alt` is already escaped)."""
    esc = html.escape
    webp = f'<source type="image/webp" srcset="{esc(img.webp_srcset)}" sizes="{BODY_SIZES}">' if img.webp_srcset else ""
    srcset = f' srcset="{esc(img.srcset)}" sizes="{BODY_SIZES}"' if img.variants else ""
    return (
        f'<picture>{webp}<img class="body-image" src="{esc(img.src)}"{srcset} alt="{alt}" width="{img.width}" '
        f'height="{img.height}" loading="lazy" decoding="async"></picture>'
    )


def reading_minutes(body_html: str) -> int:
    """Return the minutes an article body takes to read, at least one."""
    words = len(html.unescape(_TAG.sub(" ", body_html)).split())
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
