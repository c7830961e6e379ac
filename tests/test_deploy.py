"""The README's deploy instructions, run: every nginx configuration it gives, started by a real nginx and
asked for pages; the CloudFront Function, run by Node; and the S3 script's paths and batches."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
from nginx_support import check_config, nginx
from serve_support import request
from support import REPO, SITE_TOML, article, build, write_site

README = (REPO / "README.md").read_text(encoding="utf-8")
SERVED = "/var/www/valleyvoice"  # where the README's configurations serve the paper from

EDITIONS = SITE_TOML + '\nlanguage = "en"\n\n[languages.pa]\nsections = ["ਪੰਜਾਬ"]\n'


def fenced(language: str) -> list[str]:
    """Every code block of the README in one language, in order."""
    return re.findall(rf"^ *```{language}\n(.*?)^ *```", README, re.MULTILINE | re.DOTALL)


def paper(root: Path, base_url: str | None = None) -> Path:
    """Build a small two-language paper with a moved story into root/public."""
    site = write_site(
        root,
        {
            "site.toml": EDITIONS,
            "content/bridge.md": article("Bridge reopens", aliases='["/local/old-bridge/"]'),
            "content/pa.md": article("ਪੁਲ ਖੁੱਲ੍ਹਿਆ", section="ਪੰਜਾਬ", lang="pa", slug="bridge"),
        },
    )
    assert build(site, *(["--base-url", base_url] if base_url else [])) == 0
    return site / "public"


@pytest.mark.slow
def test_the_readme_gives_four_nginx_configurations_and_each_passes_nginx_t(tmp_path):
    blocks = fenced("nginx")
    assert len(blocks) == 4  # a new one needs its own test (the fourth, ssi: tests/test_live_regions_browser.py)
    for block in blocks:
        http, server = split_http(block.replace(SERVED, str(tmp_path)))
        result = check_config(tmp_path / "t", server, http) if "include" not in http else None
        assert result is None or result.returncode == 0, result.stderr


def split_http(block: str) -> tuple[str, str]:
    """Split a README block into what goes in http { } and the server block."""
    at = block.index("server {")
    return block[:at], block[at:]


@pytest.mark.slow
def test_the_root_configuration_serves_pages_folders_404_and_immutable_assets(tmp_path):
    public = paper(tmp_path / "site")
    http, server = split_http(fenced("nginx")[0].replace(SERVED, str(public)))
    css = next(p.relative_to(public).as_posix() for p in public.glob("css/site.*.css"))
    with nginx(tmp_path, server, http) as port:
        home = request(port, "/")
        assert home.status == 200 and "<h1" in home.text
        assert request(port, "/national/bridge/").status == 200
        bare = request(port, "/national/bridge")
        assert bare.status == 301 and bare.headers["location"].endswith("/national/bridge/")
        missing = request(port, "/no/such/page/")
        assert missing.status == 404 and missing.body == (public / "404.html").read_bytes()
        asset = request(port, f"/{css}")
        assert asset.status == 200 and asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert "cache-control" not in request(port, "/national/bridge/").headers


@pytest.mark.slow
def test_the_sub_path_configuration_serves_the_paper_and_its_404_under_the_path(tmp_path):
    public = paper(tmp_path / "site", "https://publisher.example/news/")
    http, server = split_http(fenced("nginx")[1].replace(SERVED, str(public)))
    with nginx(tmp_path, server, http) as port:
        home = request(port, "/news/")
        assert home.status == 200 and 'href="/news/national/"' in home.text
        assert request(port, "/news/national/bridge/").status == 200
        missing = request(port, "/news/no/such/")
        assert missing.status == 404 and missing.body == (public / "404.html").read_bytes()


@pytest.mark.slow
def test_the_editions_and_redirects_configuration_answers_each_edition_s_404_and_redirects(tmp_path):
    public = paper(tmp_path / "site")
    http, server = split_http(fenced("nginx")[2].replace(SERVED, str(public)))
    with nginx(tmp_path, server, http) as port:
        pa_missing = request(port, "/pa/no/such/")
        assert pa_missing.status == 404 and pa_missing.body == (public / "pa/404.html").read_bytes()
        missing = request(port, "/no/such/")
        assert missing.status == 404 and missing.body == (public / "404.html").read_bytes()
        moved = request(port, "/local/old-bridge/")
        assert moved.status == 301 and moved.headers["location"].endswith("/national/bridge/")


@pytest.mark.slow
def test_an_nginx_that_refuses_a_configuration_fails_the_test_with_its_message(tmp_path):
    with pytest.raises(AssertionError, match="unknown directive"):
        with nginx(tmp_path, "server {\n location ~* \\.[0-9a-f]{10}\\.(css)$ { return 200; }\n}"):
            pass


def test_the_cloudfront_function_maps_folders_to_index_html_and_adds_the_slash(tmp_path):
    (code,) = fenced("js")
    script = tmp_path / "run.js"
    script.write_text(
        code
        + """
const out = {};
for (const uri of ["/", "/local/bridge/", "/local/bridge", "/css/site.1a2b3c4d5e.css", "/feed.xml"]) {
  out[uri] = handler({request: {uri: uri, headers: {}}});
}
console.log(JSON.stringify(out));
"""
    )
    result = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["/"]["uri"] == "/index.html" and out["/local/bridge/"]["uri"] == "/local/bridge/index.html"
    assert out["/local/bridge"]["statusCode"] == 301
    assert out["/local/bridge"]["headers"]["location"]["value"] == "/local/bridge/"
    assert out["/css/site.1a2b3c4d5e.css"]["uri"] == "/css/site.1a2b3c4d5e.css"
    assert out["/feed.xml"]["uri"] == "/feed.xml"


def s3_script() -> str:
    (script,) = [b for b in fenced("sh") if "aws s3 sync" in b]
    return script


def test_the_s3_script_uploads_with_cache_headers_without_the_marker_and_invalidates_in_batches(tmp_path):
    site = tmp_path / "site"
    public = paper(site)
    urls = [f"https://gazette.example/n/{i}/" for i in range(1700)] + ["https://gazette.example/feed.xml"]
    (site / ".broadsheet-cache/changed-urls.txt").write_text("".join(u + "\n" for u in urls))
    calls = tmp_path / "calls.jsonl"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (
        (
            "aws",
            f'import json, sys\nopen({str(calls)!r}, "a").write(json.dumps(sys.argv[1:]) + "\\n")\n'
            "if 'create-invalidation' in sys.argv: print('I' + str(len(sys.argv)))\n",
        ),
        ("broadsheet", "pass\n"),
    ):  # the build ran above; the AWS CLI only records what it is asked
        tool = bin_dir / name
        tool.write_text(f"#!{os.sys.executable}\n{body}")
        tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    result = subprocess.run(
        ["bash", "-c", s3_script()],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    made = [json.loads(line) for line in calls.read_text().splitlines()]
    syncs = [c for c in made if c[:2] == ["s3", "sync"]]
    assert len(syncs) == 2 and all(".broadsheet-*" in c for c in syncs)
    immutable, rest = syncs
    assert "public, max-age=31536000, immutable" in immutable and "--delete" not in immutable
    assert "--delete" in rest
    pattern = immutable[immutable.index("--include") + 1]
    files = [p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file()]
    fingerprinted = [f for f in files if re.search(r"\.[0-9a-f]{10}\.[a-z]+$", f)]
    assert fingerprinted and [f for f in files if fnmatch.fnmatch(f, pattern)] == fingerprinted
    assert not fnmatch.fnmatch(".broadsheet-output", pattern)
    batches = [c[c.index("--paths") + 1 : c.index("--query")] for c in made if "create-invalidation" in c]
    waits = [c for c in made if "invalidation-completed" in c]
    assert [len(b) for b in batches] == [1000, 1000, 1000, 401] and len(waits) == 4
    paths = [p for b in batches for p in b]
    assert paths[:2] == ["/n/0/", "/n/0/index.html"] and paths[-1] == "/feed.xml" and len(set(paths)) == 3401
