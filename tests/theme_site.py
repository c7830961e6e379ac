"""A small but complete newspaper for the theme tests: every page kind, with and without lead images."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw
from support import article, write_site

THEME_TOML = """\
title = "The Test Gazette"
base_url = "https://gazette.example"
timezone = "America/Vancouver"
sections = ["National", "Sports", "Arts & Culture", "Opinion"]
per_page = 3
more_from = 4
"""

PARAGRAPHS = (
    (
        "Council members met late into the evening on Tuesday to weigh a plan that would reshape the harbour front, "
        "with residents lining the hallway long before the doors opened."
    ),
    (
        "Supporters said the proposal would bring [new ferry service](/national/ferry-plan/) and hundreds of homes; "
        "critics warned that the tidal flats would not survive another decade of construction."
    ),
    "> We have been promised a waterfront for thirty years. This time we want it in writing.",
    "The vote is expected next month, after a second round of public hearings at the community hall.",
)


def jpeg(width: int, height: int, hue: int) -> bytes:
    """Return a photo-like JPEG: a sky gradient over a dark horizon with a sun."""
    im = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(im)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)], fill=(int(40 + 150 * t + hue) % 256, int(90 + 100 * t), int(160 + 60 * (1 - t)))
        )
    draw.ellipse([width * 0.65, height * 0.2, width * 0.8, height * 0.2 + width * 0.15], fill=(250, 220, 140))
    draw.polygon(
        [
            (0, height),
            (0, height * 0.7),
            (width * 0.3, height * 0.55),
            (width * 0.6, height * 0.72),
            (width, height * 0.6),
            (width, height),
        ],
        fill=(30, 45, 40),
    )
    out = io.BytesIO()
    im.save(out, "JPEG", quality=88)
    return out.getvalue()


def body(n: int = 4) -> str:
    return "\n\n".join(PARAGRAPHS[i % len(PARAGRAPHS)] for i in range(n))


def write_theme_site(root: Path) -> Path:
    """Write the theme test site: 4 sections, images, tags, several authors, paginated lists."""
    files: dict[str, str | bytes] = {"site.toml": THEME_TOML}
    stories = [
        (
            "national/ferry-plan",
            "Harbour council backs a new ferry plan after a stormy night",
            "National",
            "Ann Writer",
            "2026-02-11 18:30",
            ["Harbour", "Transport"],
            True,
        ),
        (
            "national/tidal-flats",
            "Scientists count the birds that the tidal flats still feed",
            "National",
            "Bo Reporter",
            "2026-02-10 09:00",
            ["Harbour", "Environment"],
            True,
        ),
        (
            "national/budget",
            "Province tables a budget with little room for surprises",
            "National",
            "Ann Writer",
            "2026-02-09 11:15",
            ["Budget"],
            False,
        ),
        (
            "national/rail",
            "Commuter rail study finds riders ready for a second line",
            "National",
            "Cy Columnist",
            "2026-02-08 07:45",
            ["Transport"],
            True,
        ),
        (
            "sports/final",
            "Harbour Herons win the final in a shoot-out under the lights",
            "Sports",
            "Di Sportswriter",
            "2026-02-11 22:05",
            ["Hockey"],
            True,
        ),
        (
            "sports/marathon",
            "Record field signs up for the spring marathon",
            "Sports",
            "Di Sportswriter",
            "2026-02-07 08:00",
            [],
            False,
        ),
        (
            "arts-culture/festival",
            "A winter festival turns the old cannery into a gallery",
            "Arts & Culture",
            "Ed Critic",
            "2026-02-10 15:20",
            ["Festivals"],
            True,
        ),
        (
            "opinion/waterfront",
            "The waterfront deserves better than another promise",
            "Opinion",
            "Cy Columnist",
            "2026-02-11 06:00",
            ["Harbour"],
            False,
        ),
    ]
    for i, (rel, title, section, author, date, tags, has_image) in enumerate(stories):
        fields: dict[str, str] = {
            "summary": repr(f"{title.split(' ')[0]} story summary: what happened and why it matters.")
        }
        if tags:
            fields["tags"] = "[" + ", ".join(tags) + "]"
        if has_image:
            slug = rel.split("/")[1]
            files[f"static/images/{slug}.jpg"] = jpeg(1600, 900, i * 30)
            fields["image"] = f"/images/{slug}.jpg"
            fields["image_alt"] = repr(f"A wide view for the story {title.lower()}")
            fields["image_caption"] = repr("Photograph: The Test Gazette")
        files[f"content/{rel}.md"] = article(
            title, section=section, author=author, date=date, body=body(4 + i % 3), **fields
        )
    files["content/pages/about.md"] = "---\ntitle: About the Gazette\n---\n" + body(3)
    files["data/authors.toml"] = (
        '["Ann Writer"]\nrole = "City hall reporter"\nbio = "Ann has covered the council '
        'since 2019."\nphoto = "/images/ann-writer.jpg"\nemail = "ann@gazette.example"\n'
        'links = ["https://social.example/@ann"]\nnames = ["A. Writer"]\n'
    )
    files["static/images/ann-writer.jpg"] = jpeg(800, 800, 60)
    return write_site(root, files)
