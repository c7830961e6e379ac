"""Embeds: a link to a known service on a line of its own is a facade that loads the player on a click."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import chromium, describe, run_axe, serve
from support import SITE_TOML, article, build, read, write_site

from broadsheet.load.markdown import MarkdownRenderer

GOLDEN = Path(__file__).parent / "golden" / "embeds"
# One line per service, as an editor pastes it: a bare URL, a link with a title, an autolink.
CASES = {
    "youtube": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "vimeo": "[Council vote, in full](https://vimeo.com/76979871)",
    "x": "https://x.com/gazette/status/1700000000000000000",
    "instagram": "<https://www.instagram.com/p/C1a2b3c4d5e/>",
    "map": "https://www.openstreetmap.org/?mlat=49.2827&mlon=-123.1207#map=15/49.2827/-123.1207",
}
BODY = "The council met.\n\n" + "\n\nAnd then.\n\n".join(CASES.values()) + "\n\nhttps://example.com/a-page\n"


@pytest.mark.parametrize("service", CASES)
@pytest.mark.parametrize("sanitize", [False, True], ids=["raw HTML allowed", "sanitize"])
def test_each_service_draws_its_golden_facade(service, sanitize):
    html = MarkdownRenderer(sanitize=sanitize).render(CASES[service])
    assert html + "\n" == (GOLDEN / f"{service}.html").read_text()


@pytest.mark.parametrize(
    "line",
    [
        "https://example.com/watch?v=dQw4w9WgXcQ",  # not a service we know
        "https://www.youtube.com/@gazette",  # a channel, not a video
        "Watch https://www.youtube.com/watch?v=dQw4w9WgXcQ tonight",  # not on a line of its own
        "http://www.youtube.com/watch?v=dQw4w9WgXcQ",  # not https
    ],
)
def test_other_lines_stay_as_they_were(line):
    html = MarkdownRenderer().render(line)
    assert "embed" not in html and html.startswith("<p>")


def test_a_page_without_embeds_has_no_embed_script_or_style(tmp_path):
    site = write_site(tmp_path / "site", {"content/national/a.md": article("Plain", body="Nothing to play.")})
    assert build(site) == 0
    assert "embed" not in read(site, "/national/a/")


@pytest.fixture(scope="module")
def embed_site(tmp_path_factory) -> Path:
    site = write_site(
        tmp_path_factory.mktemp("embeds") / "site",
        {
            "site.toml": SITE_TOML + "sanitize = true\n",
            "content/national/meeting.md": article("Council meets", body=BODY),
        },
    )
    assert build(site) == 0
    return site / "public"


def test_facades_are_in_the_page_and_unknown_urls_stay_text(embed_site):
    html = (embed_site / "national/meeting/index.html").read_text()
    assert html.count('<figure class="embed ') == 5
    assert "<p>https://example.com/a-page</p>" in html


@pytest.mark.browser
@pytest.mark.slow
def test_in_chromium_nothing_leaves_the_machine_before_a_click_and_a_click_loads_the_player(embed_site):
    with serve(embed_site) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 320, "height": 700})
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        # Nothing may reach another host in a test: a request that tries is recorded, then refused here.
        context.route(lambda url: urlsplit(url).hostname != "127.0.0.1", lambda route: route.abort())
        page.goto(base + "/national/meeting/", wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert [u for u in requested if urlsplit(u).hostname != "127.0.0.1"] == []
        violations = run_axe(page)
        assert not violations, describe(violations)
        # Keyboard: the facade is a link; Enter swaps in the player, which takes the focus.
        page.focus(".embed-youtube .embed-link")
        with page.expect_request(lambda r: "youtube-nocookie.com" in r.url):
            page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.tagName") == "IFRAME"
        assert page.get_attribute(".embed-youtube iframe", "title") == "Video on YouTube"
        assert page.url == base + "/national/meeting/"  # the page stayed; the link was not followed
        others = [u for u in requested if urlsplit(u).hostname != "127.0.0.1"]
        assert others and all("youtube-nocookie.com" in u for u in others)  # only the one asked for
        context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_without_javascript_a_facade_is_a_link_to_the_post(embed_site):
    with serve(embed_site) as base, chromium() as browser:
        context = browser.new_context(java_script_enabled=False)
        context.route(lambda url: urlsplit(url).hostname != "127.0.0.1", lambda route: route.abort())
        page = context.new_page()
        page.goto(base + "/national/meeting/")
        assert page.get_attribute(".embed-vimeo a", "href") == "https://vimeo.com/76979871"
        assert page.inner_text(".embed-vimeo a").startswith("Council vote, in full")
        context.close()
