"""Pagefind, run to index records: the edge of the build where the search index is made.

Pagefind runs as a service (`pagefind --service`, the protocol its Python and Node wrappers speak): one
process per build, one index per shard to write, the records of all of them sent at once and answered
in order. (The `pagefind` package's own Python client waits a tenth of a second per message: 20 minutes
for 10,000 stories.)
"""

from __future__ import annotations

import base64
import importlib.metadata
import json
import subprocess
import threading
from pathlib import Path

from broadsheet.errors import BuildError, Problem


def pagefind_version() -> str:
    """Pagefind's version: a new Pagefind indexes everything again."""
    try:
        return importlib.metadata.version("pagefind_bin_extended")
    except importlib.metadata.PackageNotFoundError:
        return ""  # indexing says what is missing


def run_pagefind(indexes: list[list[dict]], where: Path) -> list[dict[str, bytes]]:
    """Make one Pagefind index of each list of records, with one Pagefind service; return each one's files
    by path. `where` (the output folder) is what a problem names."""
    with Service(where) as pagefind:
        ids = [r["index_id"] for r in pagefind.exchange([{"type": "NewIndex", "config": None} for _ in indexes])]
        requests = [{"type": "AddRecord", "index_id": i, **record} for i, records in zip(ids, indexes)
                    for record in records]
        answers = pagefind.exchange([*requests, *({"type": "GetFiles", "index_id": i} for i in ids)])[-len(ids):]
    return [{f["path"]: base64.b64decode(f["content"]) for f in a["files"]} for a in answers]


class Service:
    """A Pagefind process in service mode: base64 JSON messages, each followed by a comma, both ways."""

    def __init__(self, where: Path):
        self.where = where
        self.sent = 0
        try:
            import pagefind_bin_extended  # imported here: a site with search off never needs it

            command = [str(pagefind_bin_extended.get_executable()), "--service"]
            self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL)
        except (ImportError, OSError) as e:
            raise _failed(where, f"search indexing could not run ({e}): install Broadsheet with its dependencies "
                                 "(pip install broadsheet), or set search = false in site.toml") from None

    def __enter__(self) -> Service:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            pipe.close()

    def exchange(self, payloads: list[dict]) -> list[dict]:
        """Send every request, then read every answer, in order (a thread writes: neither pipe can fill up)."""
        first = self.sent
        self.sent += len(payloads)
        writer = threading.Thread(target=self._send, args=(payloads, first), daemon=True)
        writer.start()
        answers: dict[int, dict] = {}
        buffer = b""
        while len(answers) < len(payloads):
            chunk = self.proc.stdout.read1(1 << 20)
            if not chunk:
                raise _failed(self.where, "search indexing failed: Pagefind stopped before it answered")
            *done, buffer = (buffer + chunk).split(b",")
            for message in done:
                answer = json.loads(base64.b64decode(message))
                payload = answer.get("payload") or {}
                if payload.get("type") == "Error":
                    raise _failed(self.where, f"search indexing failed: {payload.get('message') or 'Pagefind failed'}")
                answers[answer["message_id"]] = payload
        writer.join()
        return [answers[n] for n in range(first, first + len(payloads))]

    def _send(self, payloads: list[dict], first: int) -> None:
        try:
            for n, payload in enumerate(payloads, first):
                message = json.dumps({"message_id": n, "payload": payload}).encode()
                self.proc.stdin.write(base64.b64encode(message) + b",")
            self.proc.stdin.flush()
        except OSError:  # Pagefind stopped: reading its answers says so
            pass


def _failed(where: Path, message: str) -> BuildError:
    return BuildError([Problem(where, None, message)])
