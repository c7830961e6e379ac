"""Pagefind, run to index records: the edge of the build where the search index is made.

Pagefind runs as a service (`pagefind --service`, the protocol its Python and Node wrappers speak): one
process per build, one index per shard to write, all the requests sent at once and answered in order.
(The `pagefind` package's own Python client waits a tenth of a second per message: 17 minutes for
10,000 stories.) It runs beside the render: its records come from the stories, not from the pages.
"""

from __future__ import annotations

import base64
import importlib.metadata
import json
import subprocess
from pathlib import Path

from broadsheet.errors import BuildError, Problem


def pagefind_version() -> str:
    """Pagefind's version: a new Pagefind indexes everything again."""
    try:
        return importlib.metadata.version("pagefind_bin_extended")
    except importlib.metadata.PackageNotFoundError:
        return ""  # indexing says what is missing


class Indexing:
    """Pagefind making one index of each list of records, in the background, one index at a time.

    The requests are all sent at once (Pagefind reads them into memory as they come, so the pipe never
    stays full), and each index is fetched, then deleted, before the next is made: Pagefind holds one
    shard at a time, never the whole site. `files()` reads the answers, after the build's other work.
    """

    def __init__(self, indexes: list[list[dict]], where: Path):
        self.service = Service(where)
        requests: list[dict] = []
        for n, records in enumerate(indexes):  # a new service numbers its indexes 0, 1, 2… as they are made
            requests.append({"type": "NewIndex", "config": None})
            requests += ({"type": "AddRecord", "index_id": n, **record} for record in records)
            requests += ({"type": "GetFiles", "index_id": n}, {"type": "DeleteIndex", "index_id": n})
        try:
            self.service.send(requests)
        except BaseException:
            self.close()
            raise

    def files(self) -> list[dict[str, bytes]]:
        """Wait for Pagefind; return each index's files by path."""
        try:
            answers = [a for a in self.service.receive() if a.get("type") == "GetFiles"]
        finally:
            self.close()
        return [{f["path"]: _settled(f["path"], base64.b64decode(f["content"])) for f in a["files"]} for a in answers]

    def close(self) -> None:
        self.service.close()


def _settled(path: str, content: bytes) -> bytes:
    """Pagefind's file, with its entry's languages in order of code: Pagefind lists them in the order of
    a hash map, which differs from run to run, and the same input must give the same bytes."""
    if path != "pagefind-entry.json":
        return content
    entry = json.loads(content)
    entry["languages"] = dict(sorted(entry.get("languages", {}).items()))
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()


class Service:
    """A Pagefind process in service mode: base64 JSON messages, each followed by a comma, both ways."""

    def __init__(self, where: Path):
        self.where = where
        self.sent = 0
        try:
            import pagefind_bin_extended  # imported here: a site with search off never needs it

            command = [str(pagefind_bin_extended.get_executable()), "--service"]
            self.proc = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
        except (ImportError, OSError) as e:
            raise _failed(
                where,
                f"search indexing could not run ({e}): install Broadsheet with its dependencies "
                "(pip install broadsheet), or set search = false in site.toml",
            ) from None

    def send(self, payloads: list[dict]) -> None:
        """Send requests; their answers are read by receive(). Stdin stays open: at its end Pagefind exits
        at once, whatever it has not done yet."""
        try:
            for n, payload in enumerate(payloads, self.sent):
                message = json.dumps({"message_id": n, "payload": payload}).encode()
                self.proc.stdin.write(base64.b64encode(message) + b",")
            self.proc.stdin.flush()
        except OSError:  # Pagefind stopped: receive() says so
            pass
        self.sent += len(payloads)

    def receive(self) -> list[dict]:
        """Read the answer to every request sent, in order; raise BuildError if Pagefind fails."""
        answers: dict[int, dict] = {}
        partial: list[bytes] = []  # the start of a message (a shard's files: tens of megabytes)
        while len(answers) < self.sent:
            chunk = self.proc.stdout.read1(1 << 20)
            if not chunk:
                raise _failed(self.where, "search indexing failed: Pagefind stopped before it answered")
            if b"," not in chunk:
                partial.append(chunk)
                continue
            first, *done, rest = chunk.split(b",")
            done.insert(0, b"".join([*partial, first]))
            partial = [rest]
            for message in done:
                answer = json.loads(base64.b64decode(message))
                payload = answer.get("payload") or {}
                if payload.get("type") == "Error":
                    raise _failed(self.where, f"search indexing failed: {payload.get('message') or 'Pagefind failed'}")
                answers[answer["message_id"]] = payload
        return [answers[n] for n in range(self.sent)]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:  # a write Pagefind never read: it is gone
                pass


def _failed(where: Path, message: str) -> BuildError:
    return BuildError([Problem(where, None, message)])
