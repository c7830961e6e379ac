"""Share cards: a 1200x630 picture of the paper's name, drawn once per edition, that a story without a picture
of its own shares on a paper without a logo (Open Graph, Twitter, NewsArticle JSON-LD).

One card per edition, not one per story: a card per headline would be drawn for every story of the archive
(minutes, and hundreds of megabytes, at 10,000 stories) to serve the few stories shared in a day. The card
is drawn once into the cache, named by what it shows (so it changes only when the paper's name, its language or
the face changes), and copied to the edition's folder (urls.share_card). The same input gives the same bytes:
PNG without a time or text chunk.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import PIL
from PIL import Image, ImageDraw, ImageFont, features

from broadsheet import urls
from broadsheet.load.article import Article
from broadsheet.load.config import Config
from broadsheet.model.site import Paper

SIZE = (1200, 630)  # what Facebook, LinkedIn and X show large
# A site's face for the cards (static/fonts/share.ttf, or the theme's); without one, the Latin face Pillow carries.
FONT_FILE = "fonts/share.ttf"
# Bump when the drawing changes, so that cached cards are drawn again.
RECIPE = f"v2:pillow-{PIL.__version__}:raqm-{features.check('raqm')}"
PAPER, INK, ACCENT, RULE = "#fbf9f4", "#151515", "#a1171b", "#d3cdbf"  # the theme's light colours (site.css)
MARGIN = 80
NAME_SIZES = (120, 104, 92, 80, 68, 56)  # the largest size at which the paper's name fits is used
_NOT_A_CHARACTER = "\U0010fffd"  # drawn as the face's "missing glyph" box
# Plain stand-ins for what a small Latin face may lack (Pillow's own has no accents or long dashes).
_PLAIN = str.maketrans(
    {
        "\u2014": "-",
        "\u2013": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2026": "...",
        "\u00df": "ss",
        "\u00e6": "ae",
        "\u00c6": "AE",
        "\u0153": "oe",
        "\u00f8": "o",
        "\u00d8": "O",
    }
)


@dataclass(frozen=True, slots=True)
class Card:
    """One edition's card: what it shows, and the cached file that holds it."""

    name: str  # the paper's name, in the edition's language
    language: str
    rtl: bool
    font: Path | None  # None: Pillow's own face
    cached: Path


def card_url(article: Article, config: Config) -> str | None:
    """Return the site URL of the card a story shares (its edition's): None for a story with a picture of its
    own, or on a paper with a logo."""
    return None if article.image or config.logo else urls.share_card(config.folder)


def plan_cards(paper: Paper, static: dict[str, Path], cache_dir: Path) -> dict[str, Card]:
    """Decide each edition's card (by output path), named in the cache by what it shows."""
    if paper.config.logo:
        return {}
    font = static.get(FONT_FILE)
    face_id = hashlib.sha256(font.read_bytes()).hexdigest() if font is not None else "pillow"
    cards: dict[str, Card] = {}
    for edition in paper.editions:
        config = edition.config
        rtl = config.direction == "rtl"
        key = "\0".join((RECIPE, face_id, config.title, config.language, str(rtl)))
        digest = hashlib.sha256(key.encode()).hexdigest()
        cached = cache_dir / "cards" / f"{digest}.png"
        cards[urls.output_path(urls.share_card(config.folder))] = Card(config.title, config.language, rtl, font, cached)
    return cards


def make_cards(cards: dict[str, Card]) -> None:
    """Put every card missing from the cache there: drawn, unless this process drew the same card already."""
    for card in cards.values():
        if not card.cached.exists():
            save_card(card_png(card), card.cached)


# The cards this process drew last, by their cache file's name (what they show): a process that builds many
# papers or copies of one (a newsroom's, the tests') draws each card once. A few cards of 20 kB each.
_DRAWN: OrderedDict[str, bytes] = OrderedDict()
DRAWN_KEPT = 8
_DRAWING = threading.Lock()


def card_png(card: Card) -> bytes:
    """Return the card's PNG file: no time or text chunk, so the same card gives the same bytes."""
    key = card.cached.name
    with _DRAWING:
        if (data := _DRAWN.get(key)) is None:
            out = io.BytesIO()
            draw_card(card).save(out, "PNG", optimize=True)
            data = _DRAWN[key] = out.getvalue()
            while len(_DRAWN) > DRAWN_KEPT:
                _DRAWN.popitem(last=False)
        _DRAWN.move_to_end(key)
    return data


def draw_card(card: Card) -> Image.Image:
    """Draw a card: a red rule, the paper's name as large as fits between two rules."""
    width, height = SIZE
    im = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, width, 14), fill=ACCENT)
    draw.line((MARGIN, 130, width - MARGIN, 130), fill=INK, width=3)
    draw.line((MARGIN, height - 130, width - MARGIN, height - 130), fill=INK, width=3)
    name = in_face(face(card.font, NAME_SIZES[-1]), card.name)
    if name is None:
        return im  # no face for the name's script here: the card shows the paper's rules and colours alone
    top, bottom, text_width = 150, height - 150, width - 2 * MARGIN
    for size in NAME_SIZES:
        name_face = face(card.font, size)
        step = round(size * 1.15)
        lines = wrap(draw, name, name_face, text_width, card)
        if len(lines) * step <= bottom - top:
            break
    fits = max(1, (bottom - top) // step)
    if len(lines) > fits:
        lines = [*lines[: fits - 1], ellipsis(draw, lines[fits - 1], name_face, text_width, card)]
    y = top + (bottom - top - len(lines) * step) // 2
    for n, line in enumerate(lines):
        draw.text((width // 2, y + n * step), line, font=name_face, fill=INK, anchor="ma", **shaping(card, name_face))
    return im


def wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, card: Card) -> list[str]:
    """Break text into lines no wider than width, at spaces (a word wider than a line stands alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font, **shaping(card, font)) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def ellipsis(draw: ImageDraw.ImageDraw, line: str, font: ImageFont.FreeTypeFont, width: int, card: Card) -> str:
    """Shorten the last line that fits, by words, until it fits with an ellipsis after it."""
    words = line.split()
    while len(words) > 1 and draw.textlength(" ".join(words) + "\u2026", font=font, **shaping(card, font)) > width:
        words.pop()
    return " ".join(words) + "\u2026"


def shaping(card: Card, font: ImageFont.FreeTypeFont) -> dict[str, str]:
    """Tell the text layout the language and direction, where the face is shaped by libraqm."""
    if font.layout_engine != ImageFont.Layout.RAQM:
        return {}
    return {"language": card.language, "direction": "rtl" if card.rtl else "ltr"}


@lru_cache(maxsize=64)
def face(font: Path | None, size: int) -> ImageFont.FreeTypeFont:
    """Return the site's face at a size, else the Latin face Pillow carries."""
    if font is not None:
        return ImageFont.truetype(str(font), size)
    return ImageFont.load_default(size)  # type: ignore[return-value]


def in_face(font: ImageFont.FreeTypeFont, text: str) -> str | None:
    """Return text as the face can draw it: as written, else with plain letters and dashes (None: not even so)."""
    if drawable(font, text):
        return text
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text.translate(_PLAIN)) if not unicodedata.combining(ch))
    return plain if drawable(font, plain) else None


def drawable(font: ImageFont.FreeTypeFont, text: str) -> bool:
    """Tell whether the face has every character of text (a missing one would print as a box)."""
    return all(not missing(font, ch) for ch in set(text) if not ch.isspace())


@lru_cache(maxsize=4096)
def missing(font: ImageFont.FreeTypeFont, ch: str) -> bool:
    return _pixels(font, ch) == _pixels(font, _NOT_A_CHARACTER)


@lru_cache(maxsize=4096)
def _pixels(font: ImageFont.FreeTypeFont, text: str) -> tuple:
    box = font.getbbox(text)
    im = Image.new("L", (max(1, box[2] - box[0]), max(1, box[3] - box[1])))
    ImageDraw.Draw(im).text((-box[0], -box[1]), text, font=font, fill=255)
    return im.size, im.tobytes()


def save_card(data: bytes, cached: Path) -> None:
    """Write a card into the cache via a temporary file, so that a crash never leaves half a card."""
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_name(f".{cached.name}.{secrets.token_hex(4)}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, cached)
