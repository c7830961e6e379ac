"""Decap CMS's local backend, answered by `serve` itself: the browser editor at /admin/ reads and writes the site.

The protocol is the one Decap's `decap-server` speaks for `local_backend` (its local_fs mode): every request
is a POST of `{"action": ..., "params": {...}}` as JSON to one URL, answered with JSON, or with
`{"error": ...}` and a 4xx status. Paths are relative to the site folder. Only `content/` and the media
folder are read or written, each path through the one guard; a story or page the build would refuse is
reported with the build's own `path:line: message` lines and nothing of the request is written.

A listing (`entriesByFolder`) sends each story's front matter without its body: Decap's proxy backend has no
paging, so a section is listed whole, and its 2,171 stories at 10,000 are 10.8 MB with their bodies, 0.75 MB
without. Decap shows, sorts and searches a list by front-matter fields only, and reads an entry whole
(`getEntry`) when it is opened, so nothing an editor sees or saves is cut. A media listing (`getMedia`) sends
every picture's bytes and Decap waits for it before it opens a story, so it holds the newest pictures up to
MEDIA_BUDGET: a picture left out is still shown where a story names it (Decap asks for it by `getMediaFile`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from broadsheet.errors import BuildError, Problem, one_line
from broadsheet.guard import OutsideFolder, confined
from broadsheet.load.config import Config, load_config
from broadsheet.load.discovery import is_junk
from broadsheet.load.frontmatter import split_front_matter
from broadsheet.load.markdown import MarkdownRenderer
from broadsheet.load.pages import page_from_bytes
from broadsheet.load.reader import article_from_bytes
from broadsheet.paths import CMS_MEDIA_FOLDER, PAGES_FOLDER
from broadsheet.preview.origins import same_origin

CONTENT = "content"
MAX_REQUEST = 64 * 1024 * 1024  # bytes of one request: a story and its pictures, base64-encoded
MAX_READ = 16 * 1024 * 1024  # the largest file sent back to the editor
MAX_DEPTH = 8  # folder levels listed below a collection's folder
MEDIA_BUDGET = 16 * 1024 * 1024  # bytes of pictures in one media listing (sent whole, base64): the newest first
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")  # no SVG: it may carry scripts


class Refused(Exception):
    """A request the backend will not carry out: its HTTP status and what to tell the editor."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class LocalBackend:
    """Answer Decap's local-backend actions for one site folder."""

    def __init__(self, site_dir: Path):
        self.site_dir = Path(os.path.abspath(site_dir))
        self.real_dir = Path(os.path.realpath(self.site_dir))  # what confined() returns paths under

    def answer(self, request: object) -> tuple[int, Any]:
        """Carry out one request; return the HTTP status and the JSON value to send."""
        if not isinstance(request, dict) or not isinstance(request.get("action"), str):
            return 400, {"error": "expected a JSON object with an 'action'"}
        action = ACTIONS.get(request["action"])
        if action is None:
            return 422, {"error": one_line(f"Unknown action {request['action']}")}
        params = request.get("params", {})
        try:
            if not isinstance(params, dict):
                raise Refused(400, "'params' must be a JSON object")
            self.config()  # no [cms] in site.toml: no editing
            return 200, action(self, params)
        except Refused as e:
            return e.status, {"error": str(e)}
        except OutsideFolder as e:
            return 403, {"error": str(e)}

    def config(self) -> Config:
        """Read site.toml afresh (an edit to it applies to the next save); refuse when it is broken or has no [cms]."""
        try:
            config = load_config(self.site_dir / "site.toml")
        except BuildError as e:
            raise Refused(409, "\n".join(p.format(self.site_dir) for p in e.problems)) from None
        if config.cms is None:
            raise Refused(404, "site.toml has no [cms] table: the browser editor is off")
        return config

    def place(self, path: object, *, roots: tuple[str, ...] = (CONTENT, CMS_MEDIA_FOLDER)) -> Path:
        """Return the real file a site-relative path names inside one of the roots, or refuse it."""
        if not isinstance(path, str) or not path:
            raise Refused(400, "a path is required")
        for root in roots:
            if path == root or path.startswith(root + "/"):
                return confined(self.site_dir / root, path[len(root) + 1 :])
        raise Refused(
            403, one_line(f"refusing {path!r}: the editor reads and writes only {' and '.join(r + '/' for r in roots)}")
        )

    def relative(self, path: Path) -> str:
        return path.relative_to(self.real_dir).as_posix()

    # The actions, by the names Decap sends.

    def info(self, params: dict) -> dict:
        return {"repo": self.site_dir.name, "publish_modes": ["simple"], "type": "local_fs"}

    def entries_by_folder(self, params: dict) -> list[dict]:
        folder = self.place(params.get("folder"), roots=(CONTENT,))
        extension, depth = params.get("extension", "md"), params.get("depth", 1)
        if not isinstance(extension, str) or not isinstance(depth, int):
            raise Refused(400, "'extension' must be text and 'depth' a number")
        found = self.listing(folder, "." + extension.lstrip("."), min(depth, MAX_DEPTH))
        return [self.entry(p, head_only=True) for p in found]

    def entries_by_files(self, params: dict) -> list[dict]:
        files = params.get("files")
        if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
            raise Refused(400, "'files' must be a list of {path}")
        return [_label(self.entry(self.place(f.get("path"), roots=(CONTENT,))), f) for f in files]

    def get_entry(self, params: dict) -> dict:
        return self.entry(self.place(params.get("path"), roots=(CONTENT,)))

    def persist_entry(self, params: dict) -> dict:
        """Write a story (or page) and its pictures, all or nothing: every file is checked before any is written."""
        files = params.get("dataFiles") or ([params["entry"]] if isinstance(params.get("entry"), dict) else [])
        assets = params.get("assets") or []
        if not isinstance(files, list) or not files or not isinstance(assets, list):
            raise Refused(400, "'dataFiles' (or 'entry') and 'assets' must be lists")
        config, problems, writes, removes = self.config(), [], [], []
        for asset in assets:
            writes.append(self.media_write(asset))
        for file in files:
            if not isinstance(file, dict) or not isinstance(file.get("raw"), str):
                raise Refused(400, "each data file needs a 'path' and its 'raw' text")
            old = self.place(file.get("path"), roots=(CONTENT,))
            target = self.place(file["newPath"], roots=(CONTENT,)) if file.get("newPath") else old
            data = file["raw"].encode("utf-8")
            problems += self.check(target, data, config)
            writes.append((target, data))
            if target != old:
                removes.append(old)
        if problems:
            raise Refused(422, "\n".join(p.format(self.site_dir) for p in problems))
        for target, data in writes:  # pictures first: a story is never saved naming a picture not yet there
            write_whole(target, data)
        for old in removes:
            old.unlink(missing_ok=True)
        return {"message": "entry persisted"}

    def get_media(self, params: dict) -> list[dict]:
        folder = self.place(params.get("mediaFolder"), roots=(CMS_MEDIA_FOLDER,))
        return [self.media_file(p) for p in newest_within(self.listing(folder, IMAGE_SUFFIXES, 1), MEDIA_BUDGET)]

    def get_media_file(self, params: dict) -> dict:
        return self.media_file(self.place(params.get("path"), roots=(CMS_MEDIA_FOLDER,)))

    def persist_media(self, params: dict) -> dict:
        self.config()
        target, data = self.media_write(params.get("asset"))
        write_whole(target, data)
        return self.media_file(target)

    def delete_file(self, params: dict) -> dict:
        self.remove(params.get("path"))
        return {"message": f"deleted file {params.get('path')}"}

    def delete_files(self, params: dict) -> dict:
        paths = params.get("paths")
        if not isinstance(paths, list):
            raise Refused(400, "'paths' must be a list")
        targets = [self.place(p) for p in paths]  # all judged before any is removed
        for target in targets:
            self.remove(target)
        return {"message": f"deleted files {', '.join(map(str, paths))}"}

    def get_deploy_preview(self, params: dict) -> None:
        return None

    # Helpers.

    def check(self, target: Path, data: bytes, config: Config) -> list[Problem]:
        """The problems the build would report for this story or standalone page (none: it builds)."""
        shown = Path(self.relative(target))
        if target.suffix != ".md" or is_junk(target.name):
            return [Problem(shown, None, "stories and pages are Markdown files ending in .md")]
        if len(data) > config.max_file_size:
            return [Problem(shown, None, f"larger than max_file_size ({config.max_file_size} bytes)")]
        renderer = MarkdownRenderer(sanitize=config.sanitize, time_limit=config.markdown_time_limit)
        is_page = shown.parts[:2] == (CONTENT, PAGES_FOLDER)
        read = page_from_bytes if is_page else article_from_bytes
        found = read(shown, data, config, renderer)
        return found if isinstance(found, list) else []

    def media_write(self, asset: object) -> tuple[Path, bytes]:
        if (
            not isinstance(asset, dict)
            or asset.get("encoding", "base64") != "base64"
            or not isinstance(asset.get("content"), str)
        ):
            raise Refused(400, "a picture is sent as {path, content, encoding: base64}")
        target = self.place(asset.get("path"), roots=(CMS_MEDIA_FOLDER,))
        if target.suffix.lower() not in IMAGE_SUFFIXES:
            raise Refused(415, one_line(f"{asset.get('path')!r}: pictures must be {', '.join(IMAGE_SUFFIXES)}"))
        try:
            return target, base64.b64decode(asset["content"], validate=True)
        except binascii.Error:
            raise Refused(400, "a picture's content is not base64") from None

    def remove(self, path: object) -> None:
        target = path if isinstance(path, Path) else self.place(path)
        if target.is_dir():
            raise Refused(400, f"{self.relative(target)} is a folder; the editor deletes files only")
        target.unlink(missing_ok=True)

    def listing(self, folder: Path, suffixes: str | tuple[str, ...], depth: int) -> list[Path]:
        """The files under folder (to `depth` levels) with one of the suffixes, each inside the folder's root."""
        found: list[Path] = []
        if depth <= 0 or not folder.is_dir():
            return found
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.startswith(".") or is_junk(entry.name):
                continue
            path = confined(folder, entry.name)  # a link leading out of the folder raises here
            if entry.is_dir():
                found += self.listing(path, suffixes, depth - 1)
            elif entry.name.lower().endswith(suffixes) and path.is_file():
                found.append(path)
        return found

    def entry(self, path: Path, *, head_only: bool = False) -> dict:
        """A file as Decap reads it: its text (`head_only`: up to the end of its front matter) and its digest."""
        try:
            data = read_capped(path)
        except OSError:
            return {"data": None, "file": {"path": self.relative(path), "id": None}}
        text = data.decode("utf-8", "replace")
        return {
            "data": front_matter_only(path, text) if head_only else text,
            "file": {"path": self.relative(path), "id": hashlib.sha256(data).hexdigest()},
        }

    def media_file(self, path: Path) -> dict:
        try:
            data = read_capped(path)
        except OSError:
            raise Refused(404, f"{self.relative(path)} not found") from None
        return {
            "id": hashlib.sha256(data).hexdigest(),
            "content": base64.b64encode(data).decode("ascii"),
            "encoding": "base64",
            "path": self.relative(path),
            "name": path.name,
        }


def _label(entry: dict, file: dict) -> dict:
    if isinstance(file.get("label"), str):
        entry["file"]["label"] = file["label"]
    return entry


def newest_within(paths: list[Path], budget: int) -> list[Path]:
    """The newest files (by modification time, then name) whose sizes add up to at most budget, in that order."""
    dated = []
    for path in paths:
        try:
            found = path.stat()
        except OSError:
            continue
        dated.append((-found.st_mtime_ns, path.name, path, found.st_size))
    chosen = []
    for _, _, path, size in sorted(dated):
        if size > budget:
            break
        chosen.append(path)
        budget -= size
    return chosen


def front_matter_only(path: Path, text: str) -> str:
    """The text up to and including the line that closes its front matter (all of it when that is unclear)."""
    parts = split_front_matter(path, text)
    return text if isinstance(parts, Problem) else text[: len(text) - len(parts[1])]


def read_capped(path: Path) -> bytes:
    """Read a file of at most MAX_READ bytes."""
    with open(path, "rb") as f:
        data = f.read(MAX_READ + 1)
    if len(data) > MAX_READ:
        raise OSError(f"{path} is larger than {MAX_READ} bytes")
    return data


def write_whole(target: Path, data: bytes) -> None:
    """Write a file whole: into a hidden file beside it (the watcher ignores dot files), then renamed over it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = confined(target.parent, f".{target.name}.{secrets.token_hex(4)}.saving")
    try:
        with open(temporary, "xb") as f:
            f.write(data)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


ACTIONS: dict[str, Callable[[LocalBackend, dict], Any]] = {
    "info": LocalBackend.info,
    "entriesByFolder": LocalBackend.entries_by_folder,
    "entriesByFiles": LocalBackend.entries_by_files,
    "getEntry": LocalBackend.get_entry,
    "persistEntry": LocalBackend.persist_entry,
    "getMedia": LocalBackend.get_media,
    "getMediaFile": LocalBackend.get_media_file,
    "persistMedia": LocalBackend.persist_media,
    "deleteFile": LocalBackend.delete_file,
    "deleteFiles": LocalBackend.delete_files,
    "getDeployPreview": LocalBackend.get_deploy_preview,
}


def answer_cms(handler: Any, backend: LocalBackend) -> tuple[int, bytes] | None:
    """Judge a POST to the backend's URL by its headers, then read and carry it out; return status and JSON
    (None: the handler has answered already, a request whose length it refused).

    Only the editor's own page may write: the Origin must be this server as the Host names it (a page of
    any other site, or another port, is refused, and so is a request without one), and the body must be JSON,
    which a form or a no-CORS fetch from another page cannot send.
    """
    headers = handler.headers
    if (
        not same_origin(headers.get("Origin"), headers.get("Host"), handler.server.bound_host)
        or headers.get("Sec-Fetch-Site", "same-origin") != "same-origin"
    ):
        handler.close_connection = True
        return 403, _error("refused: the editor's backend answers only the /admin/ page of this preview")
    if headers.get_content_type() != "application/json":
        handler.close_connection = True
        return 415, _error("refused: send JSON (Content-Type: application/json)")
    length = handler.body_length(MAX_REQUEST)
    if length is None:
        return None
    body = handler.read_body(length)
    try:
        request = json.loads(body or b"")
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return 400, _error("the body is not JSON")
    status, value = backend.answer(request)
    return status, json.dumps(value, ensure_ascii=False).encode("utf-8")


def _error(message: str) -> bytes:
    return json.dumps({"error": message}).encode()
