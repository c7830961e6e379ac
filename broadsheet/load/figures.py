"""Pictures in a story's body: each Markdown image on this site is marked for the image pipeline, and an image
on a line of its own becomes a figure (several on consecutive lines, a gallery).

    ![Ferry at dawn](/images/ferry.jpg "The 6:10 sailing leaves Horseshoe Bay | Ann Writer")

The title is the caption; after a `|`, the credit. Images on other hosts are left as Python-Markdown draws
them. Sizes, `srcset` and WebP are added when the page is drawn (render/theme.py), once the files are known.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

BODY_IMAGE = "body-image"  # the class that marks an image for the pipeline (it survives sanitising)
FIGURE = "lead-image body-image"  # styled as the lead image is: full width of the story, its caption below
GALLERY = "gallery"
_SRC = re.compile(r'<img\b[^>]*?\bclass="body-image"[^>]*>')
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')


def is_local(src: str) -> bool:
    return src.startswith("/") and not src.startswith("//")


_IMG = re.compile(r"<img\b[^>]*>")
_OTHER = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#)")  # a scheme, a site path, a protocol-relative URL, an anchor


def site_path_hint(src: str) -> str | None:
    """Return the site path a relative image path was probably meant as ('images/a.jpg', 'static/images/a.jpg'
    and './images/a.jpg' are all '/images/a.jpg'); None for a site path or a URL.

    A relative path into a folder would resolve against each page's own folder, where no picture is: a broken
    image. A bare file name ('ferry.jpg') is taken as meant: a file beside the page.
    """
    if not src or _OTHER.match(src) or "/" not in src:
        return None
    parts = [p for p in src.split("/") if p not in ("", ".", "..")]
    if parts and parts[0] == "static":
        parts = parts[1:]
    return "/" + "/".join(parts) if parts else None


def relative_images(body_html: str) -> tuple[str, ...]:
    """Return the images a rendered body shows by a path relative to the page, each once."""
    found = (html.unescape(dict(_ATTRIBUTE.findall(tag)).get("src", "")) for tag in _IMG.findall(body_html))
    return tuple(dict.fromkeys(src for src in found if site_path_hint(src)))


class _Figures(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for i, child in enumerate(list(parent)):
                if child.tag == "img" and is_local(child.get("src", "")):
                    child.set("class", BODY_IMAGE)
                if child.tag == "p" and (figure := as_figure(child)) is not None:
                    parent[i] = figure


def as_figure(p: etree.Element) -> etree.Element | None:
    """Return the figure (or gallery) a paragraph of nothing but images on this site stands for, else None."""
    images = list(p)
    if (
        (p.text or "").strip()
        or not images
        or any(im.tag != "img" or not is_local(im.get("src", "")) or (im.tail or "").strip() for im in images)
    ):
        return None
    figures = []
    for im in images:
        figure = etree.Element("figure", {"class": FIGURE})
        title = im.attrib.pop("title", None)
        im.set("class", BODY_IMAGE)
        im.tail = None
        figure.append(im)
        if title and title.strip():
            figure.append(caption(title))
        figures.append(figure)
    if len(figures) == 1:
        return figures[0]
    gallery = etree.Element("figure", {"class": GALLERY})
    gallery.extend(figures)
    return gallery


def caption(title: str) -> etree.Element:
    """Make a figcaption from an image's title: the caption, and after a `|` the credit."""
    text, _, credit = title.partition("|")
    figcaption = etree.Element("figcaption")
    figcaption.text = text.strip()
    if credit.strip():
        small = etree.SubElement(figcaption, "small", {"class": "credit"})
        small.text = credit.strip()
        if figcaption.text:
            figcaption.text += " "
    return figcaption


class FiguresExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_Figures(md), "figures", 15)  # after the inline pass (20) has made the images


def body_images(body_html: str) -> tuple[str, ...]:
    """Return the site images a rendered body shows, in order, each once."""
    found = []
    for tag in _SRC.findall(body_html):
        src = dict(_ATTRIBUTE.findall(tag)).get("src")
        if src:
            found.append(html.unescape(src))
    return tuple(dict.fromkeys(found))


def image_tags(body_html: str):
    """Yield each marked image tag's match and its attributes, for the page to fill in sizes."""
    for m in _SRC.finditer(body_html):
        yield m, dict(_ATTRIBUTE.findall(m.group(0)))
