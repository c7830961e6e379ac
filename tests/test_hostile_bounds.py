"""Every value has bounds, and every string is safe where it lands: base_url, numeric keys, file names printed by
watch, images whose headers claim enormous sizes."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import datetime

import pytest
from hostile_support import refused
from support import NOW, SITE_TOML, article, build, write_site

from broadsheet.options import BuildOptions
from broadsheet.preview.session import Session
from broadsheet.preview.watch import Batch, print_rebuilt, run_build

BAD_BASE_URLS = [
    "https://gazette.example\nDisallow: /",
    "https://gazette.example\r\n",
    "https://gazette.example\t",
    "https://gaz\x00ette.example",
    "https://gaz\x1bette.example",
    "https://gazette.example\u2028",
    "https://gaz\u200bette.example",
    "https://gaz\u202eette.example",
    "https://gazette.example#",
    "https://gazette.example?",
    "https://user@gazette.example",
    "https://gazette.example:99999",
    "https://gazette example",
    'https://gazette.example"><script>',
]


@pytest.mark.parametrize("base_url", BAD_BASE_URLS)
def test_a_base_url_with_anything_but_a_plain_host_is_refused(tmp_path, capsys, base_url):
    toml = SITE_TOML.replace('base_url = "https://gazette.example"', f"base_url = {toml_string(base_url)}")
    site = write_site(tmp_path / "site", {"site.toml": toml, "content/national/a.md": article()})
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert "site.toml:2: 'base_url' must be" in err or "site.toml:2: 'base_url' has a port" in err
    assert len(err.strip().splitlines()) == 2  # the problem and the summary: no forged line


@pytest.mark.parametrize("base_url", BAD_BASE_URLS)
def test_a_base_url_option_with_anything_but_a_plain_host_is_a_usage_error(tmp_path, capsys, base_url):
    site = write_site(tmp_path / "site", {"content/national/a.md": article()})
    err = refused(tmp_path, capsys, "--site", site, "--base-url", base_url, code=2)
    assert err.startswith("broadsheet: error: --base-url: 'base_url'") and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "base_url",
    [
        "https://gazette.example/",
        "http://localhost:8080",
        "https://[::1]:8000",
        "https://bücher.example",
        "HTTPS://Gazette.Example",
    ],
)
def test_a_plain_host_is_accepted(tmp_path, capsys, base_url):
    site = write_site(tmp_path / "site", {"content/national/a.md": article()})
    assert build(site, "--base-url", base_url) == 0, capsys.readouterr().err


def toml_string(text: str) -> str:
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in text) + '"'


@pytest.mark.parametrize(
    "line, message",
    [
        ("max_file_size = 1000000000000000000", "'max_file_size' is in bytes and must be at most"),
        ("per_page = 9223372036854775807", "'per_page' must be at most 1000"),
        ("more_from = 1000000000", "'more_from' must be at most 100"),
        ("feed_size = 1000000000000", "'feed_size' must be at most 10000"),
        ("per_page = -9223372036854775808", "'per_page' must be at least 1"),
        ("markdown_time_limit = inf", "'markdown_time_limit' must be between 0 and 3600 seconds"),
        ("markdown_time_limit = nan", "'markdown_time_limit' must be between 0 and 3600 seconds"),
        ("render_time_limit = inf", "'render_time_limit' must be between 0 and 3600 seconds"),
        ("render_time_limit = nan", "'render_time_limit' must be between 0 and 3600 seconds"),
        ("render_time_limit = 0", "'render_time_limit' must be between 0 and 3600 seconds"),
        ("render_time_limit = -1", "'render_time_limit' must be between 0 and 3600 seconds"),
        ("render_time_limit = 3601", "'render_time_limit' must be between 0 and 3600 seconds"),
        ('render_time_limit = "30"', "'render_time_limit' must be a number, not str"),
    ],
)
def test_numbers_out_of_bounds_are_refused_naming_the_key(tmp_path, capsys, line, message):
    toml = "\n".join(s for s in SITE_TOML.splitlines() if s.split(" =")[0] != line.split(" =")[0]) + "\n" + line + "\n"
    site = write_site(tmp_path / "site", {"site.toml": toml, "content/national/a.md": article()})
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert f"site.toml:{toml.count(chr(10))}: {message}" in err


@pytest.mark.parametrize(
    "name, shown",
    [
        ("\x1b[2J\x1b[31mred.md", "\\x1b[2J\\x1b[31mred.md"),
        ("two\nlines 12:00:00 forged.md", "two\\nlines 12:00:00 forged.md"),
        ("bell\x07\r.md", "bell\\x07\\r.md"),
        ("csi\x9b2J.md", "csi\\x9b2J.md"),
        ("rtl\u202eevil.md", "rtl\\u202eevil.md"),
    ],
)
def test_file_names_printed_by_watch_are_escaped(tmp_path, name, shown):
    site = write_site(tmp_path / "site", {"content/national/a.md": article()})
    session = Session(BuildOptions(site, site / "public", datetime.fromisoformat(NOW)))
    run_build(session, None)
    path = site / "content/national" / name
    path.write_text(article("Named oddly"))
    out = io.StringIO()
    print_rebuilt(run_build(session, Batch(frozenset({path}))), out)
    printed = out.getvalue()
    assert printed.endswith("\n") and printed[:-1].isprintable(), repr(printed)  # one line, nothing raw
    assert f"content/national/{shown}: " in printed and " pages written" in printed


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims width x height pixels: its header only, with a valid checksum."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def gif_header(width: int, height: int) -> bytes:
    return (
        b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00" + b"\x2c" + bytes(8) + b"\x02\x02\x44\x01\x00;"
    )


@pytest.mark.parametrize(
    "image", [png_header(100_000, 100_000), png_header(10_000, 10_000), gif_header(65_535, 65_535)]
)
def test_an_image_that_claims_enormous_dimensions_is_refused(tmp_path, capsys, image):
    site = write_site(
        tmp_path / "site", {"content/national/a.md": article(image="/images/bomb.png"), "static/images/bomb.png": image}
    )
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert "a.md:6: image /images/bomb.png claims more than" in err and "decompression bomb" in err


@pytest.mark.parametrize("language", ['en"\n<x>', "en\r\nX-Injected: 1", "", "e", "en_US", "en-", "fr\u200b"])
def test_a_language_that_is_not_a_language_tag_is_refused(tmp_path, capsys, language):
    toml = SITE_TOML + f"language = {toml_string(language)}\n"
    site = write_site(tmp_path / "site", {"site.toml": toml, "content/national/a.md": article()})
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert "site.toml:7: 'language' must be a language tag" in err and len(err.strip().splitlines()) == 2
