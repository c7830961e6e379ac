"""Responsive lead images: sizes, formats, markup, caching, and errors for missing files."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image
from support import Imgs, article, build, jpeg, read, srcset_urls, tree_snapshot, write_site


def image_site(site, **toml):
    extra = "".join(f"{k} = {v}\n" for k, v in toml.items())
    from support import SITE_TOML

    return write_site(
        site,
        {
            "site.toml": SITE_TOML + extra,
            "static/images/harbour.jpg": jpeg(1600, 900),
            "content/a.md": article(
                "With a photo", image="/images/harbour.jpg", image_alt="Boats at dawn", date="2026-02-02 09:00"
            ),
            "content/b.md": article("Another story", image="/images/harbour.jpg", date="2026-02-01 09:00"),
            "content/c.md": article("No photo here", date="2026-01-30 09:00"),
        },
    )


@pytest.mark.slow
def test_lead_image_gets_webp_and_jpeg_srcsets_with_intrinsic_size(site):
    image_site(site)
    assert build(site) == 0
    page = Imgs(read(site, "/national/a/"))
    lead = next(i for i in page.imgs if i.get("alt") == "Boats at dawn")
    assert (lead["width"], lead["height"]) == ("1600", "900")
    assert lead["src"] == "/images/harbour.jpg" and "loading" not in lead and lead["fetchpriority"] == "high"
    jpegs = srcset_urls(lead["srcset"])
    assert [w for _, w in jpegs] == [320, 640, 960, 1280, 1600]
    webp = next(s for s in page.sources if s["type"] == "image/webp")
    assert [w for _, w in srcset_urls(webp["srcset"])] == [320, 640, 960, 1280, 1600]
    assert webp["sizes"] == lead["sizes"] and "100vw" in lead["sizes"]
    # Every file named in a srcset exists, is the format its name says, and has the width it claims.
    for url, width in jpegs + srcset_urls(webp["srcset"]):
        data = (site / "public" / url.lstrip("/")).read_bytes()
        with Image.open(BytesIO(data)) as im:
            assert im.format == ("WEBP" if url.endswith(".webp") else "JPEG")
            assert im.size == (width, round(width * 900 / 1600))


@pytest.mark.slow
def test_every_img_has_width_and_height_and_lists_lazy_load_thumbnails(site):
    image_site(site)
    assert build(site) == 0
    for url in ("/", "/national/", "/national/a/", "/national/b/", "/authors/ann-writer/"):
        for img in Imgs(read(site, url)).imgs:
            assert img.get("width") and img.get("height"), (url, img)
    sidebar = read(site, "/national/a/").split("More from National", 1)[1]  # b, published before a, has a photo
    thumb = Imgs(sidebar).imgs[0]
    assert thumb["loading"] == "lazy" and thumb["alt"] == "" and thumb["sizes"] == "6rem"
    # The front page's lead image loads at once; the section blocks' thumbnails wait until scrolled to.
    home = Imgs(read(site, "/"))
    assert "loading" not in home.imgs[0] and all(i["loading"] == "lazy" for i in home.imgs[1:])


def test_widths_come_from_config_and_never_upscale(site):
    image_site(site, image_widths="[400, 2400]")
    assert build(site) == 0
    lead = Imgs(read(site, "/national/a/")).imgs[0]
    assert [w for _, w in srcset_urls(lead["srcset"])] == [400, 1600]


@pytest.mark.slow
def test_resizing_runs_once_per_image_content(site):
    image_site(site)
    assert build(site) == 0
    cache = site / ".broadsheet-cache" / "images"
    first = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    assert len(first) == 9  # 4 JPEG + 5 WebP copies; both articles share one photo
    old_urls = {u for u, _ in srcset_urls(Imgs(read(site, "/national/a/")).imgs[0]["srcset"])}
    assert build(site) == 0
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == first
    # A new photo under the same name gets new copies under new URLs, so no browser shows a stale one.
    (site / "static/images/harbour.jpg").write_bytes(jpeg(1200, 800))
    assert build(site) == 0
    lead = Imgs(read(site, "/national/a/")).imgs[0]
    assert (lead["width"], lead["height"]) == ("1200", "800")
    new_urls = {u for u, _ in srcset_urls(lead["srcset"])}
    assert new_urls & old_urls == {"/images/harbour.jpg"}  # only the original keeps its name


@pytest.mark.slow
def test_output_is_byte_identical_between_builds(site):
    image_site(site)
    assert build(site) == 0
    before = tree_snapshot(site / "public")
    assert build(site) == 0
    assert tree_snapshot(site / "public") == before


def test_missing_or_broken_image_is_reported_with_file_and_line(site, capsys):
    write_site(
        site,
        {
            "content/a.md": article("Gone", image="/images/nope.jpg"),
            "content/b.md": article("Broken", image="/images/broken.jpg"),
            "static/images/broken.jpg": b"not a jpeg at all",
        },
    )
    assert build(site) == 1
    err = capsys.readouterr().err
    assert "content/a.md:6: image /images/nope.jpg not found: put the file at static/images/nope.jpg" in err
    assert "content/b.md:6: cannot read image /images/broken.jpg" in err
    assert not (site / "public").exists()


def test_image_on_another_host_is_shown_without_resizing(site):
    write_site(site, {"content/a.md": article("Remote", image="https://photos.example/p.jpg", image_alt="Far away")})
    assert build(site) == 0
    img = Imgs(read(site, "/national/a/")).imgs[0]
    assert img["src"] == "https://photos.example/p.jpg" and "srcset" not in img
    assert img["width"] and img["height"]


def test_png_keeps_its_format_and_transparency_in_webp(site):
    out = BytesIO()
    Image.new("RGBA", (800, 400), (200, 30, 30, 120)).save(out, "PNG")
    write_site(
        site, {"static/images/chart.png": out.getvalue(), "content/a.md": article("Chart", image="/images/chart.png")}
    )
    assert build(site) == 0
    page = Imgs(read(site, "/national/a/"))
    assert [u.rsplit(".", 1)[1] for u, _ in srcset_urls(page.imgs[0]["srcset"])] == ["png"] * 3
    webp_url = srcset_urls(page.sources[0]["srcset"])[0][0]
    with Image.open(site / "public" / webp_url.lstrip("/")) as im:
        assert im.mode == "RGBA"


def test_file_names_with_spaces_and_commas_stay_one_srcset_candidate(site):
    write_site(
        site,
        {
            "static/images/harbour, at dawn.jpg": jpeg(700, 400),
            "content/a.md": article("Dawn", image="'/images/harbour, at dawn.jpg'"),
        },
    )
    assert build(site) == 0
    lead = Imgs(read(site, "/national/a/")).imgs[0]
    candidates = srcset_urls(lead["srcset"])
    assert [w for _, w in candidates] == [320, 640, 700]
    assert candidates[-1][0] == lead["src"] == "/images/harbour%2C%20at%20dawn.jpg"
    for url, _ in candidates:
        assert (site / "public" / url.lstrip("/").replace("%2C", ",").replace("%20", " ")).is_file()
