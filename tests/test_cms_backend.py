"""`serve`'s answer to Decap CMS's local backend, over real HTTP: what it reads and writes, and what it refuses."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from serve_support import Response, request, start_serve
from support import SITE_TOML, article, jpeg, run, tree_snapshot, write_site

API = "/__broadsheet/cms"
CMS_TOML = SITE_TOML + "\n[cms]\n"


def api(
    port: int,
    payload: object,
    *,
    origin: str | None = "",
    host: str | None = None,
    content_type: str = "application/json",
    method: str = "POST",
) -> Response:
    """POST one action as Decap's admin page sends it (its own Origin unless told otherwise)."""
    import http.client

    from serve_support import TIMEOUT

    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    host = host or f"127.0.0.1:{port}"
    headers = {"Host": host, "Content-Type": content_type, "Content-Length": str(len(body))}
    if origin is not None:
        headers["Origin"] = origin or f"http://{host}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.putrequest(method, API, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders(body)
        resp = conn.getresponse()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def story_file(path: str, raw: str) -> dict:
    return {
        "dataFiles": [{"path": path, "slug": Path(path).stem, "raw": raw}],
        "assets": [],
        "options": {"commitMessage": "Create story", "useWorkflow": False, "status": ""},
    }


def sources(site: Path) -> dict[str, bytes]:
    """Every file of the site and beside it, but the preview's own, which is never walked into: the watcher
    rebuilds it as files come and go, and a file listed there may be gone when it would be read."""
    root, found = site.parent, {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".broadsheet-cache")
        for name in sorted(files):
            path = Path(folder, name)
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("cms")
    site = write_site(root / "site", {"site.toml": CMS_TOML, "content/national/first.md": article("First story")})
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(article("Secret"), encoding="utf-8")
    proc, port = start_serve(site)
    yield site, port, outside
    proc.interrupt()


@pytest.mark.slow
def test_info_names_the_local_file_system_backend(served):
    site, port, _ = served
    answer = api(port, {"action": "info"})
    assert answer.status == 200, answer.text
    assert json.loads(answer.body) == {"repo": "site", "publish_modes": ["simple"], "type": "local_fs"}
    assert "access-control-allow-origin" not in answer.headers


def test_lists_reads_and_writes_a_story_and_its_picture_that_then_builds(served):
    site, port, _ = served
    listed = json.loads(
        api(
            port, {"action": "entriesByFolder", "params": {"folder": "content/national", "extension": "md", "depth": 1}}
        ).body
    )
    assert [e["file"]["path"] for e in listed] == ["content/national/first.md"]
    assert listed[0]["data"].startswith("---\ntitle: 'First story'")
    raw = article("Harbour reopens", image="/images/2026/02/harbour.jpg", image_alt="The harbour at dawn")
    payload = story_file("content/national/harbour-reopens.md", raw)
    payload["assets"] = [
        {
            "path": "static/images/2026/02/harbour.jpg",
            "encoding": "base64",
            "content": base64.b64encode(jpeg()).decode(),
        }
    ]
    answer = api(port, {"action": "persistEntry", "params": payload})
    assert answer.status == 200, answer.text
    assert (site / "content/national/harbour-reopens.md").read_text(encoding="utf-8") == raw
    assert (site / "static/images/2026/02/harbour.jpg").read_bytes() == jpeg()
    got = json.loads(api(port, {"action": "getEntry", "params": {"path": "content/national/harbour-reopens.md"}}).body)
    assert got["data"] == raw and len(got["file"]["id"]) == 64
    media = json.loads(api(port, {"action": "getMedia", "params": {"mediaFolder": "static/images/2026/02"}}).body)
    assert [(m["path"], base64.b64decode(m["content"])) for m in media] == [
        ("static/images/2026/02/harbour.jpg", jpeg())
    ]
    assert run("check", "--site", site, "--now", "2026-02-12T12:00:00-08:00") == 0
    assert not [p for p in site.rglob(".*.saving")]


def test_a_listing_sends_each_story_up_to_its_front_matter_and_an_opened_story_whole(served):
    """Decap lists a section whole (its local backend has no paging): the answer must not grow with the bodies."""
    site, port, _ = served
    long_body = "A long paragraph of the story. " * 4000  # 124 KB
    raw = article("Long read", body=long_body)
    saved = api(port, {"action": "persistEntry", "params": story_file("content/national/long-read.md", raw)})
    assert saved.status == 200, saved.text
    answer = api(
        port, {"action": "entriesByFolder", "params": {"folder": "content/national", "extension": "md", "depth": 1}}
    )
    assert answer.status == 200, answer.text
    listed = {e["file"]["path"]: e for e in json.loads(answer.body)}
    assert listed["content/national/long-read.md"]["data"] == raw[: raw.index("\n---\n") + 5]
    assert len(answer.body) < 4096 and "long paragraph" not in answer.text
    opened = json.loads(api(port, {"action": "getEntry", "params": {"path": "content/national/long-read.md"}}).body)
    assert opened["data"] == raw
    assert opened["file"]["id"] == listed["content/national/long-read.md"]["file"]["id"]  # the same file


def test_a_file_the_build_would_refuse_is_reported_and_nothing_is_written(served):
    site, port, _ = served
    before = tree_snapshot(site / "content"), tree_snapshot(site / "static")
    bad = article("Nowhere", section="Natinal")
    payload = story_file("content/national/nowhere.md", bad)
    payload["assets"] = [
        {
            "path": "static/images/2026/02/nowhere.jpg",
            "encoding": "base64",
            "content": base64.b64encode(jpeg()).decode(),
        }
    ]
    answer = api(port, {"action": "persistEntry", "params": payload})
    assert answer.status == 422
    assert "content/national/nowhere.md:3: unknown section 'Natinal' (did you mean 'National'?)" in answer.text
    edit = api(
        port, {"action": "persistEntry", "params": story_file("content/national/first.md", "---\ntitle: [\n---\n")}
    )
    assert edit.status == 422 and "content/national/first.md" in edit.text
    assert (tree_snapshot(site / "content"), tree_snapshot(site / "static")) == before


@pytest.fixture
def leak(served):
    """A link in content/ to a folder outside the site (the build refuses to follow it too)."""
    site, _, outside = served
    link = site / "content" / "leak"
    link.symlink_to(outside, target_is_directory=True)
    yield
    link.unlink()


@pytest.mark.parametrize(
    "action, params",
    [
        ("getEntry", {"path": "site.toml"}),
        ("getEntry", {"path": "content/../site.toml"}),
        ("getEntry", {"path": "/etc/passwd"}),
        ("getEntry", {"path": "content/leak/secret.md"}),
        ("entriesByFolder", {"folder": "content/leak", "extension": "md", "depth": 1}),
        ("entriesByFolder", {"folder": "templates", "extension": "html", "depth": 1}),
        ("getMedia", {"mediaFolder": "static/images/../../content"}),
        ("getMediaFile", {"path": "static/css/site.css"}),
        (
            "persistMedia",
            {
                "asset": {
                    "path": "static/images/../../templates/base.html",
                    "encoding": "base64",
                    "content": base64.b64encode(b"<p>owned</p>").decode(),
                }
            },
        ),
        (
            "persistMedia",
            {
                "asset": {
                    "path": "static/images/page.html",
                    "encoding": "base64",
                    "content": base64.b64encode(b"<p>owned</p>").decode(),
                }
            },
        ),
        ("persistEntry", story_file("content/../templates/x.md", article("Out"))),
        ("persistEntry", story_file("content/leak/new.md", article("Out"))),
        ("persistEntry", story_file("site.md", article("Out"))),
        ("deleteFile", {"path": "site.toml"}),
        ("deleteFiles", {"paths": ["content/national/first.md", "content/../site.toml"]}),
    ],
)
def test_paths_outside_content_and_the_media_folder_are_refused(served, leak, action, params):
    site, port, outside = served
    before = sources(site)
    answer = api(port, {"action": action, "params": params})
    assert answer.status in (403, 415), (answer.status, answer.text)
    assert "error" in json.loads(answer.body)
    assert "Secret" not in answer.text and "title =" not in answer.text
    assert sources(site) == before


@pytest.mark.parametrize(
    "origin",
    [None, "null", "http://evil.example", "https://127.0.0.1:{port}", "http://127.0.0.1:1", "http://localhost:{port}"],
)
def test_other_origins_are_refused(served, origin):
    site, port, _ = served
    before = tree_snapshot(site / "content")
    origin = origin.format(port=port) if origin else origin
    answer = api(
        port, {"action": "persistEntry", "params": story_file("content/national/x.md", article("X"))}, origin=origin
    )
    assert answer.status == 403, answer.text
    assert api(port, {"action": "info"}, origin=origin).status == 403
    assert tree_snapshot(site / "content") == before


def test_other_host_names_are_refused_even_with_a_matching_origin(served):
    site, port, _ = served
    before = tree_snapshot(site / "content")
    for host in (f"evil.example:{port}", f"127.0.0.1.evil.example:{port}"):
        answer = api(
            port,
            {"action": "persistEntry", "params": story_file("content/national/x.md", article("X"))},
            host=host,
            origin=f"http://{host}",
        )
        assert answer.status == 403, answer.text
    assert tree_snapshot(site / "content") == before


def test_unknown_methods_and_actions_and_non_json_bodies_are_refused(served):
    site, port, _ = served
    before = tree_snapshot(site / "content")
    payload = {"action": "persistEntry", "params": story_file("content/national/x.md", article("X"))}
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
        answer = api(port, payload, method=method)
        assert answer.status == 405, (method, answer.status)
        assert "access-control-allow-origin" not in answer.headers
    assert request(port, API, "BREW").status == 501
    assert api(port, {"action": "formatDisk"}).status == 422
    assert api(port, payload, content_type="text/plain").status == 415  # what a form or no-cors fetch can send
    assert api(port, b"{not json").status == 400
    assert tree_snapshot(site / "content") == before


@pytest.mark.slow
def test_without_cms_in_site_toml_the_backend_writes_nothing(tmp_path):
    site = write_site(tmp_path / "site", {"content/national/first.md": article("First")})
    proc, port = start_serve(site)
    try:
        answer = api(port, {"action": "persistEntry", "params": story_file("content/national/x.md", article("X"))})
        assert answer.status == 404 and "[cms]" in answer.text
        assert not (site / "content/national/x.md").exists()
    finally:
        proc.interrupt()


def test_a_media_listing_holds_the_newest_pictures_up_to_its_budget_and_others_are_still_read(tmp_path, monkeypatch):
    """Decap waits for the media listing, every picture's bytes, before it opens a story: it must stay bounded."""
    from broadsheet.preview import cms

    site = write_site(tmp_path / "site", {"site.toml": CMS_TOML})
    folder = site / "static/images/2026/02"
    folder.mkdir(parents=True)
    for second, name in enumerate(["old.jpg", "middle.jpg", "new.jpg"]):
        (folder / name).write_bytes(jpeg())
        os.utime(folder / name, ns=(second * 10**9, second * 10**9))
    monkeypatch.setattr(cms, "MEDIA_BUDGET", 2 * len(jpeg()))
    backend = cms.LocalBackend(site)
    status, media = backend.answer({"action": "getMedia", "params": {"mediaFolder": "static/images/2026/02"}})
    assert status == 200, media
    assert [(m["name"], base64.b64decode(m["content"])) for m in media] == [("new.jpg", jpeg()), ("middle.jpg", jpeg())]
    status, old = backend.answer({"action": "getMediaFile", "params": {"path": "static/images/2026/02/old.jpg"}})
    assert status == 200 and base64.b64decode(old["content"]) == jpeg()
