"""Lead and body images: plan responsive sizes (WebP plus the original format), made once, cached by content hash."""

from __future__ import annotations

import hashlib
import os
import secrets
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from PIL import Image, ImageOps, UnidentifiedImageError

from broadsheet import urls
from broadsheet.errors import BuildError, Problem
from broadsheet.load.article import Article

# Bump when the resized bytes would change (encoder settings), so old cache entries are not reused.
RECIPE = "v1:jpeg-q82-progressive:png-optimize:webp-q78-m4"
_RESIZABLE = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
_ROTATED = (5, 6, 7, 8)  # EXIF orientations that swap width and height
# Shown for images on other hosts, whose size the build cannot know: a 16:9 box the CSS crops into.
UNKNOWN_SIZE = (1600, 900)


@dataclass(frozen=True, slots=True)
class Variant:
    """One resized file: its URL, its width, and the cached file that holds it."""

    url: str
    width: int
    format: str  # Pillow format name: JPEG, PNG, WEBP
    cached: Path

    @property
    def output_path(self) -> str:
        return urls.output_path(self.url)


@dataclass(frozen=True, slots=True)
class ImageSet:
    """What a template needs to draw an image: fallback src, intrinsic size, and srcsets."""

    src: str
    width: int
    height: int
    variants: tuple[Variant, ...] = ()
    source: Path | None = None  # the original file under static/, None for another host's image

    @property
    def srcset(self) -> str:
        """Return the srcset in the original format, ending with the original file."""
        own = [v for v in self.variants if v.format != "WEBP" or self.is_webp]
        return ", ".join([*(f"{_in_srcset(v.url)} {v.width}w" for v in own), f"{_in_srcset(self.src)} {self.width}w"])

    @property
    def webp_srcset(self) -> str:
        """Return the srcset of the WebP copies ('' when the original is WebP already)."""
        if self.is_webp:
            return ""
        return ", ".join(f"{_in_srcset(v.url)} {v.width}w" for v in self.variants if v.format == "WEBP")

    @property
    def is_webp(self) -> bool:
        return self.src.lower().endswith(".webp")

    def height_for(self, width: int) -> int:
        """Return the height that keeps the aspect ratio at `width`."""
        return max(1, round(width * self.height / self.width))


def _in_srcset(url: str) -> str:
    # A space or comma would split a srcset candidate; %XX escapes already present are kept.
    return quote(url, safe="/%:@!$&'()*+;=-._~")


@dataclass(frozen=True, slots=True)
class ImagePlan:
    """Every image the pages show, and every file that resizing adds to the output."""

    sets: dict[str, ImageSet]  # by the URL an article names

    def image(self, url: str) -> ImageSet:
        """Return the set for an image URL; another host's image gets a fixed 16:9 box."""
        return self.sets.get(url) or ImageSet(url, *UNKNOWN_SIZE)

    @property
    def files(self) -> dict[str, Path]:
        """Map each generated file's output path to its cached copy."""
        return {v.output_path: v.cached for s in self.sets.values() for v in s.variants}


def plan_images(
    articles: tuple[Article, ...],
    static: dict[str, Path],
    widths: tuple[int, ...],
    cache_dir: Path,
    others: tuple[tuple[str, Path, int | None], ...] = (),
    later: tuple[tuple[Article, str], ...] = (),
) -> ImagePlan:
    """Read each local image's size and hash, and decide its resized copies; raise BuildError on bad images.

    `others`: more images to resize, each with the file and line that name it (authors' photos). `later`: the
    stories not live yet (drafts, scheduled), each with when it will be: their images are checked as a live
    story's are, so that a mistake is reported when it is written rather than stopping the build at go-live.
    """
    wanted = [*images_of(articles, ""), *((url, lambda p=path, n=line: (p, n), "") for url, path, line in others)]
    sets: dict[str, ImageSet] = {}
    problems: list[Problem] = []
    for url, where, note in wanted:
        if url not in sets and urls.is_local(url):
            planned = find_image(url, static, widths, cache_dir)
            if isinstance(planned, ImageSet):
                sets[url] = planned
            else:
                problems.append(Problem(*where(), planned + note))
    checked: dict[str, str | None] = {}  # a later story's image: found (None), or why not
    for article, when in later:
        for url, where, note in images_of((article,), f" (the story is {when}: fix it before then)"):
            if url not in sets and urls.is_local(url):
                if url not in checked:
                    found = find_image(url, static, widths, cache_dir)
                    checked[url] = None if isinstance(found, ImageSet) else found
                if checked[url] is not None:
                    problems.append(Problem(*where(), checked[url] + note))
    if problems:
        raise BuildError(problems)
    return ImagePlan(sets)


def images_of(articles: tuple[Article, ...], note: str) -> list[tuple[str, Callable[[], tuple[Path, int | None]], str]]:
    """List each story's lead and body images, with how to find the file and line that name it (asked only to
    report one: a story's file name is made a Path when first read, 1 s for 100,000 stories)."""
    wanted: list[tuple[str, Callable[[], tuple[Path, int | None]], str]] = []
    for article in articles:
        if article.image:
            wanted.append((article.image, lambda a=article: (a.path, field_line(a.path, "image")), note))
        wanted += [(u, lambda a=article, u=u: (a.path, body_line(a.path, u)), note) for u in article.body_images if u]
    return wanted


def find_image(url: str, static: dict[str, Path], widths: tuple[int, ...], cache_dir: Path) -> ImageSet | str:
    """Plan a site image's copies; return why not if it is missing or unreadable."""
    rel = urls.output_path(url).lstrip("/")
    source = static.get(rel)
    if source is None:
        rest = rel.removeprefix("static/")
        hint = f" (did you mean /{rest}?)" if url.startswith("/static/") and rest in static else ""
        return f"image {url} not found: put the file at static{url}{hint}"
    return plan_image(url, source, widths, cache_dir)


def plan_image(url: str, source: Path, widths: tuple[int, ...], cache_dir: Path) -> ImageSet | str:
    """Plan one image's copies (never wider than the original); return an error message if unreadable."""
    data = source.read_bytes()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as im:
                fmt = im.format or ""
                width, height = im.size
                if im.getexif().get(0x0112) in _ROTATED:
                    width, height = height, width
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return (
            f"image {url} claims more than {Image.MAX_IMAGE_PIXELS} pixels; decoding it could exhaust "
            "memory (a decompression bomb?)"
        )
    except (UnidentifiedImageError, OSError) as e:
        return f"cannot read image {url}: {e}"
    if fmt not in _RESIZABLE:
        return ImageSet(_in_srcset(url), width, height, source=source)  # e.g. an animated GIF: shown as it is
    digest = hashlib.sha256(RECIPE.encode() + data).hexdigest()
    folder = cache_dir / "images" / digest[:2] / digest
    sizes = sorted({w for w in widths if w < width})
    variants = [
        Variant(urls.image_variant(url, digest, w, "webp"), w, "WEBP", folder / f"{w}.webp")
        for w in [*sizes, width]
        if fmt != "WEBP" or w < width
    ]
    if fmt != "WEBP":
        ext = _RESIZABLE[fmt]
        variants += [Variant(urls.image_variant(url, digest, w, ext), w, fmt, folder / f"{w}.{ext}") for w in sizes]
    return ImageSet(_in_srcset(url), width, height, tuple(sorted(variants, key=lambda v: (v.format, v.width))), source)


def make_images(plan: ImagePlan) -> dict[str, Path]:
    """Make every planned copy missing from the cache; return {output path: cached file}."""
    for image in plan.sets.values():
        missing = [v for v in image.variants if not v.cached.exists()]
        if missing and image.source is not None:
            resize_image(image.source, missing)
    return plan.files


def resize_image(source: Path, variants: list[Variant]) -> None:
    """Decode the original once and write each variant into the cache atomically."""
    widest = max(v.width for v in variants)
    with Image.open(source) as original:
        rotated = original.getexif().get(0x0112) in _ROTATED
        original.draft("RGB", (1, widest) if rotated else (widest, 1))  # JPEG may decode at 1/2, 1/4, 1/8 scale
        im = ImageOps.exif_transpose(original)
        im.load()
    for v in sorted(variants, key=lambda v: -v.width):
        height = max(1, round(v.width * im.height / im.width))
        resized = (
            im if v.width == im.width else im.resize((v.width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        )
        save_atomically(resized, v)


def save_atomically(im: Image.Image, v: Variant) -> None:
    """Write one variant into the cache via a temporary file, so a crash never leaves half an image."""
    v.cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = v.cached.with_name(f".{v.cached.name}.{secrets.token_hex(4)}.tmp")
    if v.format == "JPEG":
        im.convert("RGB").save(tmp, "JPEG", quality=82, progressive=True, optimize=True)
    elif v.format == "PNG":
        im.save(tmp, "PNG", optimize=True)
    else:
        keep_alpha = im.mode in ("RGBA", "LA") or (im.mode == "P" and "transparency" in im.info)
        im.convert("RGBA" if keep_alpha else "RGB").save(tmp, "WEBP", quality=78, method=4)
    os.replace(tmp, v.cached)


def field_line(path: Path, key: str) -> int | None:
    """Return the front-matter line that sets `key`, for pointing a problem at it."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for n, line in enumerate(lines[1:], 2):
        if line.rstrip() in ("---", "..."):
            break
        if line.split(":", 1)[0].strip() == key:
            return n
    return None


def body_line(path: Path, url: str) -> int | None:
    """Return the line of a story's body that shows an image (read only to point a problem at it)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for needle in (f"({url}", f"({unquote(url)}", url):
        if (n := next((n for n, line in enumerate(lines, 1) if needle in line), None)) is not None:
            return n
    return None
