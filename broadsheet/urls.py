"""The one place that decides URLs and where their files go."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from urllib.parse import quote, unquote, urljoin, urlsplit

_SPACES = re.compile(r"\s+")
# A file name holds at most 255 bytes; a slug names a folder, `new`'s <slug>.md, and is the stem of files
# made beside it, so it keeps well under that, whatever the script (Hindi takes 3 bytes a letter).
MAX_SLUG_BYTES = 180


@functools.lru_cache(maxsize=1 << 16)  # pure, and called for every byline and tag of every story
def slugify(text: str) -> str:
    """Turn any Unicode text into a URL segment: 'Arts & Culture' -> 'arts-culture'.

    Accents on Latin letters are dropped (so 'Café' and 'Cafe' meet, and clash),
    while other scripts keep their letters and combining marks ('ਪੰਜਾਬੀ' stays).
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", text):
        decomposed = unicodedata.normalize("NFD", ch)
        if decomposed[0].isascii():
            out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
        else:
            out.append(ch)
    kept = "".join(ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in "".join(out).lower())
    return bounded(_SPACES.sub("-", kept.strip()))


def bounded(slug: str) -> str:
    """Keep a slug within MAX_SLUG_BYTES of UTF-8: a longer one is cut, and ends with a digest of the whole,
    so that two long names that begin alike still get two URLs, the same ones on every build."""
    data = slug.encode("utf-8", "surrogatepass")
    if len(data) <= MAX_SLUG_BYTES:
        return slug
    cut = data[: MAX_SLUG_BYTES - 9].decode("utf-8", "ignore").rstrip("-")
    return f"{cut}-{hashlib.sha1(data).hexdigest()[:8]}"


def _seg(slug: str) -> str:
    return quote(slug, safe="")


def _in(folder: str, path: str) -> str:
    """Put a site path under an edition's folder: the default edition ("") is at the root, another at /<code>/."""
    return f"/{_seg(folder)}{path}" if folder else path


def home(folder: str = "") -> str:
    return _in(folder, "/")


def listing(base: str, page: int | None) -> str:
    """Return the URL of one page of a list: its front (None, the newest stories) or a numbered page.

    Numbered pages count from the oldest story (page 1 holds the first `per_page`), so that a page, once full,
    holds the same stories for ever (plan/page.py `paginate`).
    """
    return base if page is None else f"{base}page/{page}/"


def section(slug: str, page: int | None = None, folder: str = "") -> str:
    """Return the URL of a section's front (the newest stories) or of one of its numbered pages."""
    return listing(_in(folder, f"/{_seg(slug)}/"), page)


def article(section_slug: str, slug: str, folder: str = "") -> str:
    return _in(folder, f"/{_seg(section_slug)}/{_seg(slug)}/")


def standalone(slug: str, folder: str = "") -> str:
    """Return the URL of a standalone page (content/pages/about.md -> /about/, content/pages/pa/about.md ->
    /pa/about/)."""
    return _in(folder, f"/{_seg(slug)}/")


def archives(folder: str = "") -> str:
    return _in(folder, "/archive/")


def archive(year: int, month: int, page: int | None = None, folder: str = "") -> str:
    """Return the URL of a month of the date archive: its front, or one of its numbered pages."""
    return listing(_in(folder, f"/archive/{year:04d}/{month:02d}/"), page)


FRAGMENTS = "fragments"  # the folder of the live regions' fragments (plan/regions.py)


def fragment(name: str, folder: str = "") -> str:
    """Return the URL of one live region's fragment of an edition ('breaking.html', 'live.js')."""
    return _in(folder, f"/{FRAGMENTS}/{_seg(name)}")


def authors_index(folder: str = "") -> str:
    return _in(folder, "/authors/")


def author(slug: str, page: int | None = None, folder: str = "") -> str:
    return listing(_in(folder, f"/authors/{_seg(slug)}/"), page)


def tags_index(folder: str = "") -> str:
    return _in(folder, "/tags/")


def tag(slug: str, page: int | None = None, folder: str = "") -> str:
    return listing(_in(folder, f"/tags/{_seg(slug)}/"), page)


def not_found(folder: str = "") -> str:
    return _in(folder, "/404.html")


FEED_FILES = {"atom": "feed.xml", "rss": "rss.xml"}


def site_feed(fmt: str = "atom", folder: str = "") -> str:
    """Return the URL of the site's (or an edition's) Atom feed, or of its RSS twin (fmt="rss")."""
    return _in(folder, f"/{FEED_FILES[fmt]}")


def section_feed(section_slug: str, fmt: str = "atom", folder: str = "") -> str:
    return _in(folder, f"/{_seg(section_slug)}/{FEED_FILES[fmt]}")


def author_feed(slug: str, fmt: str = "atom", folder: str = "") -> str:
    return _in(folder, f"/authors/{_seg(slug)}/{FEED_FILES[fmt]}")


def sitemap(part: int = 0) -> str:
    """Return the sitemap's URL (part 0), or of one part when it is split under an index.

    Parts live at the root because a sitemap may only list URLs below its own folder.
    """
    return "/sitemap.xml" if part == 0 else f"/sitemap-{part}.xml"


def news_sitemap(part: int = 0) -> str:
    return "/news-sitemap.xml" if part == 0 else f"/news-sitemap-{part}.xml"


def robots() -> str:
    return "/robots.txt"


def resolve(base_url: str, page_url: str, ref: str) -> str:
    """Make a link found on the page at page_url absolute, the way a browser would on the published site.

    A site path (/images/a.jpg) is the site's, under base_url's own path if it has one.
    """
    return absolute(base_url, ref) if is_local(ref) else urljoin(absolute(base_url, page_url), ref)


def tag_uri(base_url: str, day: str, url: str) -> str:
    """Return an RFC 4151 tag: URI, a permanent id that no later edit of a headline changes."""
    return f"tag:{urlsplit(base_url).hostname},{day}:{base_path(base_url)}{url}"  # two papers on one host differ


def absolute(base_url: str, url: str) -> str:
    """Join a site URL onto base_url, keeping any path prefix base_url has."""
    return base_url.rstrip("/") + url


def base_path(base_url: str) -> str:
    """Return the path a site is published under ('/paper' for https://you.github.io/paper/), or ''."""
    return urlsplit(base_url).path.rstrip("/")


# Where HTML names a URL to follow or load. Site paths in them (/x/, never //host/) are the site's.
_LINK_ATTRIBUTE = re.compile(r"""(\s(?:href|src|action|poster)=)(["'])/(?!/)""")
_SRCSET = re.compile(r"""(\ssrcset=)(["'])([^"']*)\2""")
_SRCSET_URL = re.compile(r"(^|,\s*)/(?!/)")


def under_path(html: str, prefix: str) -> str:
    """Put every site path an HTML page links to or loads under prefix ('/paper'), for a site not at a host's root.

    Templates and stories write site paths (/national/, /css/site.css, /images/a.jpg) as they would at the
    root; this is what moves all of them, the theme's and the writers' alike, under the site's path.
    """
    html = _LINK_ATTRIBUTE.sub(lambda m: f"{m.group(1)}{m.group(2)}{prefix}/", html)

    def srcset(m: re.Match) -> str:
        return m.group(1) + m.group(2) + _SRCSET_URL.sub(lambda u: f"{u.group(1)}{prefix}/", m.group(3)) + m.group(2)

    return _SRCSET.sub(srcset, html)


def output_path(url: str) -> str:
    """Return the file, relative to the output folder, that serves url."""
    path = unquote(url).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path


def fingerprinted(path: str, digest: str) -> str:
    """Return the cache-busting URL of a static file: 'css/site.css' -> '/css/site.1a2b3c4d5e.css'."""
    stem, dot, ext = path.lstrip("/").rpartition(".")
    return f"/{stem}.{digest[:10]}.{ext}" if dot and "/" not in ext else f"/{path.lstrip('/')}.{digest[:10]}"


def image_variant(image_url: str, digest: str, width: int, ext: str) -> str:
    """Return the URL of a resized copy of a local image: '/images/a.jpg' -> '/images/a.640w.1a2b3c4d5e.webp'."""
    stem = image_url.lstrip("/").rsplit(".", 1)[0]
    return f"/{stem}.{width}w.{digest[:10]}.{ext}"


def live_feed(article_url: str) -> str:
    """Return the URL of the Atom feed of a live blog's updates, beside its page."""
    return f"{article_url}updates.xml"


def host_redirects() -> str:
    """Return the URL of the redirects file Netlify and Cloudflare Pages read (served by neither)."""
    return "/_redirects"


def nginx_redirects() -> str:
    """Return the URL of the nginx `map` of the same redirects, for a server's configuration to include."""
    return "/redirects.nginx.map"


def search(folder: str = "") -> str:
    return _in(folder, "/search/")


def is_local(url: str) -> bool:
    """Tell whether a link points into this site (root-relative) rather than to another host."""
    return url.startswith("/") and not url.startswith("//")


def admin() -> str:
    """The browser editor's page (site.toml's [cms])."""
    return "/admin/"


def admin_config() -> str:
    return "/admin/config.yml"


def cms_api() -> str:
    """Where `serve` answers the browser editor's local backend (never published: the preview server's own)."""
    return "/__broadsheet/cms"


def share_card(folder: str = "") -> str:
    """Return the URL of an edition's share card: the paper's name, drawn, for stories without a picture."""
    return _in(folder, "/share.png")


def of_output(base_url: str, rel: str) -> str:
    """Return the absolute URL that serves an output file (a folder's index.html: the folder's URL)."""
    path = rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel
    return base_url + "/" + quote(path, errors="surrogateescape")  # a file name that is not UTF-8: its bytes
