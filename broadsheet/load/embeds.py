"""Embeds: a paragraph that is only a link to a known service becomes a facade that loads the player on a click.

    https://www.youtube.com/watch?v=dQw4w9WgXcQ
    [Council vote, in full](https://vimeo.com/76979871)

The facade is a local box with the title and a plain link to the post: nothing is fetched from another host
until the reader asks (the theme's script swaps in the player then), and without JavaScript it is a link.
It is made after sanitising, from the URL alone, so `sanitize = true` keeps it and no author's HTML reaches it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

# A paragraph holding only a URL, or only a link (with the attributes sanitising adds).
_PARAGRAPH = re.compile(
    r'^<p>(?:(?P<bare>https://[^\s<>"]+)'
    r'|<a href="(?P<href>https://[^"]+)"[^>]*>(?P<text>[^<]*)</a>)</p>$',
    re.MULTILINE,
)
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_NUMBER = re.compile(r"[0-9]{1,24}")


@dataclass(frozen=True, slots=True)
class Embed:
    """One post on another host: where to read it, where its player is, and how to describe it."""

    service: str  # youtube, vimeo, x, instagram, map
    kind: str  # video, post or map: how the facade is shaped
    link: str  # the page on the service, for readers without JavaScript
    player: str  # the iframe's address, loaded on a click
    label: str  # what the link does, e.g. "Play on YouTube"
    title: str  # the editor's link text, else a description of the post


def find_embed(url: str, title: str = "") -> Embed | None:
    """Return the embed a URL of a known service stands for (None: not one; it stays a link)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    segments = [s for s in parts.path.split("/") if s]
    query = parse_qs(parts.query)
    for maker in (_youtube, _vimeo, _x, _instagram, _map):
        if (found := maker(host, segments, query, parts.fragment)) is not None:
            service, kind, link, player, label, default = found
            return Embed(service, kind, link, player, label, title.strip() or default)
    return None


def _youtube(host: str, segments: list[str], query: dict, fragment: str) -> tuple | None:
    video = None
    if host == "youtu.be" and segments:
        video = segments[0]
    elif host in ("youtube.com", "youtube-nocookie.com"):
        if segments == ["watch"]:
            video = query.get("v", [None])[0]
        elif len(segments) == 2 and segments[0] in ("shorts", "embed", "live"):
            video = segments[1]
    if not video or not _ID.fullmatch(video):
        return None
    return (
        "youtube",
        "video",
        f"https://www.youtube.com/watch?v={video}",
        f"https://www.youtube-nocookie.com/embed/{video}?autoplay=1",
        "Play on YouTube",
        "Video on YouTube",
    )


def _vimeo(host: str, segments: list[str], query: dict, fragment: str) -> tuple | None:
    if host != "vimeo.com" or len(segments) != 1 or not _NUMBER.fullmatch(segments[0]):
        return None
    video = segments[0]
    return (
        "vimeo",
        "video",
        f"https://vimeo.com/{video}",
        f"https://player.vimeo.com/video/{video}?autoplay=1",
        "Play on Vimeo",
        "Video on Vimeo",
    )


def _x(host: str, segments: list[str], query: dict, fragment: str) -> tuple | None:
    if host not in ("x.com", "twitter.com") or len(segments) < 3 or segments[1] != "status":
        return None
    user, post = segments[0], segments[2]
    if not _ID.fullmatch(user) or not _NUMBER.fullmatch(post):
        return None
    return (
        "x",
        "post",
        f"https://x.com/{user}/status/{post}",
        f"https://platform.twitter.com/embed/Tweet.html?id={post}",
        "Show the post from X",
        f"Post by @{user} on X",
    )


def _instagram(host: str, segments: list[str], query: dict, fragment: str) -> tuple | None:
    if host != "instagram.com" or len(segments) < 2 or segments[0] not in ("p", "reel"):
        return None
    if not _ID.fullmatch(segments[1]):
        return None
    kind, code = segments[0], segments[1]
    return (
        "instagram",
        "post",
        f"https://www.instagram.com/{kind}/{code}/",
        f"https://www.instagram.com/{kind}/{code}/embed/",
        "Show the post from Instagram",
        "Post on Instagram",
    )


def _map(host: str, segments: list[str], query: dict, fragment: str) -> tuple | None:
    """An OpenStreetMap view (`#map=zoom/lat/lon`), with its marker (`?mlat=&mlon=`) if it has one."""
    m = re.fullmatch(r"map=(\d{1,2})/(-?\d{1,3}(?:\.\d+)?)/(-?\d{1,3}(?:\.\d+)?)", fragment)
    if host != "openstreetmap.org" or segments or not m:
        return None
    zoom, lat, lon = int(m.group(1)), float(m.group(2)), float(m.group(3))
    if not (0 <= zoom <= 19 and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    span = 360 / 2**zoom  # the width of the view in degrees, about; its height about half of it
    bbox = f"{lon - span / 2:.5f},{lat - span / 4:.5f},{lon + span / 2:.5f},{lat + span / 4:.5f}"
    player = f"https://www.openstreetmap.org/export/embed.html?bbox={quote(bbox)}&layer=mapnik"
    marker = (query.get("mlat", [""])[0], query.get("mlon", [""])[0])
    if all(re.fullmatch(r"-?\d{1,3}(?:\.\d+)?", v) for v in marker):
        player += f"&marker={marker[0]}%2C{marker[1]}"
    return (
        "map",
        "map",
        f"https://www.openstreetmap.org/#{m.group(0)}",
        player,
        "Show the map from OpenStreetMap",
        "Map on OpenStreetMap",
    )


def facade(embed: Embed) -> str:
    """Draw an embed's facade: a figure holding one link, with what the script needs to load the player."""
    esc = html.escape
    kinds = embed.kind if embed.kind == embed.service else f"{embed.kind} embed-{embed.service}"
    return (
        f'<figure class="embed embed-{kinds}" data-embed="{esc(embed.player)}">'
        f'<a class="embed-link" href="{esc(embed.link)}"><span class="embed-play" aria-hidden="true"></span>'
        f'<span class="embed-title">{esc(embed.title)}</span> <span class="embed-label">{esc(embed.label)}</span>'
        f"</a></figure>"
    )


def with_embeds(body_html: str) -> str:
    """Turn each paragraph that is only a link to a known service into its facade; leave every other alone."""
    if "<p>https://" not in body_html and '<p><a href="https://' not in body_html:
        return body_html

    def replace(m: re.Match[str]) -> str:
        url = html.unescape(m.group("bare") or m.group("href"))
        text = html.unescape(m.group("text") or "")
        embed = find_embed(url, "" if text.strip() == url else text)
        return facade(embed) if embed is not None else m.group(0)

    return _PARAGRAPH.sub(replace, body_html)
