"""Pictures in a story's body: resized like lead images, as figures with captions and credits, and galleries."""

from __future__ import annotations

import json
import re
from io import BytesIO

import pytest
from PIL import Image
from support import SITE_TOML, Imgs, article, build, clean_build, jpeg, read, srcset_urls, tree_snapshot, write_site

BODY = """The ferry left at dawn.

![Boats at dawn](/images/harbour.jpg "The 6:10 sailing | Ann Writer")

Later, ![a map](/images/map.jpg) showed the route.

![One](/images/one.jpg "First | Bo Reporter")
![Two](/images/two.jpg "Second")

![Elsewhere](https://photos.example/x.jpg)
"""


def body_site(site, body: str = BODY, toml: str = "", **fields):
    return write_site(
        site,
        {
            "site.toml": SITE_TOML + toml,
            "static/images/harbour.jpg": jpeg(1600, 900),
            "static/images/map.jpg": jpeg(500, 500),
            "static/images/one.jpg": jpeg(800, 600),
            "static/images/two.jpg": jpeg(700, 700),
            "content/national/ferry.md": article("Ferry", body=body, **fields),
        },
    )


@pytest.mark.slow
def test_a_body_image_gets_srcsets_webp_dimensions_and_lazy_loading(site):
    body_site(site)
    assert build(site) == 0
    page = Imgs(read(site, "/national/ferry/"))
    img = next(i for i in page.imgs if i.get("alt") == "Boats at dawn")
    assert (img["width"], img["height"]) == ("1600", "900")
    assert img["loading"] == "lazy" and img["decoding"] == "async" and img["src"] == "/images/harbour.jpg"
    assert [w for _, w in srcset_urls(img["srcset"])] == [320, 640, 960, 1280, 1600]
    webp = next(s for s in page.sources if s["type"] == "image/webp" and "harbour" in s["srcset"])
    for url, width in srcset_urls(img["srcset"]) + srcset_urls(webp["srcset"]):
        with Image.open(BytesIO((site / "public" / url.lstrip("/")).read_bytes())) as im:
            assert im.width == width and im.format == ("WEBP" if url.endswith(".webp") else "JPEG")
    inline = next(i for i in page.imgs if i.get("alt") == "a map")
    assert (inline["width"], inline["height"], inline["loading"]) == ("500", "500", "lazy")
    remote = next(i for i in page.imgs if i.get("alt") == "Elsewhere")
    assert remote == {"alt": "Elsewhere", "src": "https://photos.example/x.jpg"}  # another host's: left alone


@pytest.mark.slow
def test_an_image_on_its_own_line_is_a_figure_with_its_caption_and_credit(site):
    body_site(site)
    assert build(site) == 0
    html = read(site, "/national/ferry/")
    figure = re.search(r'<figure class="lead-image body-image"><picture>.*?harbour.*?</figure>', html, re.S).group(0)
    assert '<figcaption>The 6:10 sailing <small class="credit">Ann Writer</small></figcaption>' in figure


@pytest.mark.slow
def test_images_on_consecutive_lines_are_a_gallery(site):
    body_site(site)
    assert build(site) == 0
    html = read(site, "/national/ferry/")
    gallery = re.search(r'<figure class="gallery">(.*?)</figure>\s*</figure>', html, re.S).group(1)
    assert gallery.count('<figure class="lead-image body-image">') == 2
    assert '<figcaption>First <small class="credit">Bo Reporter</small></figcaption>' in gallery
    assert "<figcaption>Second</figcaption>" in gallery
    assert 'width="800" height="600"' in gallery and 'width="700" height="700"' in gallery


@pytest.mark.slow
def test_body_images_survive_sanitize(site):
    body_site(site, toml="sanitize = true\n")
    assert build(site) == 0
    page = Imgs(read(site, "/national/ferry/"))
    img = next(i for i in page.imgs if i.get("alt") == "Boats at dawn")
    assert img["width"] == "1600" and img["srcset"]


def test_a_missing_body_image_is_a_problem_at_its_line(site, capsys):
    body_site(site, body="First paragraph.\n\nSecond.\n\n![Gone](/images/gone.jpg)\n")
    assert build(site) == 1
    err = capsys.readouterr().err
    assert (
        "content/national/ferry.md:11: image /images/gone.jpg not found: put the file at static/images/gone.jpg"
    ) in err


@pytest.mark.slow
def test_image_credit_shows_under_the_lead_image_and_in_json_ld(site):
    body_site(site, body="Text.", image="/images/harbour.jpg", image_caption="The harbour", image_credit="Cy Editor")
    assert build(site) == 0
    html = read(site, "/national/ferry/")
    assert '<figcaption>The harbour <small class="credit">Cy Editor</small></figcaption>' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["image"] == [
        {
            "@type": "ImageObject",
            "url": "https://gazette.example/images/harbour.jpg",
            "contentUrl": "https://gazette.example/images/harbour.jpg",
            "creditText": "Cy Editor",
        }
    ]


def test_a_lead_image_without_credit_is_drawn_as_before(site):
    body_site(site, body="Text.", image="/images/harbour.jpg", image_caption="The harbour")
    assert build(site) == 0
    html = read(site, "/national/ferry/")
    assert "<figcaption>The harbour</figcaption>" in html and "credit" not in html


@pytest.mark.slow
def test_an_image_added_to_a_body_by_a_later_edit_builds_as_a_clean_build_does(site, tmp_path):
    body_site(site, body="Text without pictures.")
    assert build(site) == 0
    (site / "content/national/ferry.md").write_text(article("Ferry", body=BODY))
    assert build(site) == 0  # from the cache: the edit adds images, so the images are planned again
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)
    assert 'width="1600" height="900"' in read(site, "/national/ferry/")
