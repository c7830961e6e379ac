"""The `serve` command: build into a preview folder, serve it, and rebuild and update open tabs on every save."""

from __future__ import annotations

import sys
import webbrowser
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TextIO

from broadsheet import urls
from broadsheet.errors import display_path, one_line
from broadsheet.options import CACHE_DIR, BuildOptions
from broadsheet.preview.cms import LocalBackend
from broadsheet.preview.origins import bind_warning
from broadsheet.preview.server import PreviewState, make_server
from broadsheet.preview.session import Session
from broadsheet.preview.watch import (
    ChangeQueue,
    Rebuilt,
    absolute_options,
    interrupt_on_sigterm,
    print_rebuilt,
    rebuild_forever,
    run_build,
    start_observer,
    stop_watching,
)

PREVIEW_DIR = f"{CACHE_DIR}/preview"  # previews never go to public/, so it never sees the reload script


def preview_options(opts: BuildOptions) -> BuildOptions:
    """Point the build at the preview folder, with absolute paths the watcher can match."""
    opts = absolute_options(opts)
    return replace(opts, out_dir=opts.site_dir / PREVIEW_DIR, force=False)


def make_cache_dir(site_dir: Path) -> None:
    """Create .broadsheet-cache/ with a .gitignore of its own, so no site's repository picks up previews."""
    cache = site_dir / CACHE_DIR
    cache.mkdir(exist_ok=True)
    ignore = cache / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Made by Broadsheet: build caches and previews, never committed.\n*\n")


def fingerprinted_outputs(session: Session) -> frozenset[str] | None:
    """The output files of the last good build whose names carry a digest of their bytes (None: no build yet)."""
    memory = session.memory
    return None if memory is None else frozenset([*memory.files.assets.files, *memory.files.images.files])


def run_serve(
    opts: BuildOptions,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    out: TextIO | None = None,
    clock: Callable[[], datetime] | None = None,
) -> int:
    """Build, serve, and rebuild on every change and every scheduled change until Ctrl-C; the `serve` command.

    `clock`: the real time, read at each build (None: every build is at opts.now).
    """
    out = out or sys.stdout
    opts = preview_options(opts)
    state = PreviewState(opts.out_dir)
    server = make_server(state, host, port)
    server.cms = LocalBackend(opts.site_dir)  # answers only while site.toml has [cms]
    make_cache_dir(opts.site_dir)
    if warning := bind_warning(host):
        print(warning, file=sys.stderr, flush=True)
    session = Session(opts, clock, state.lookout)  # a rebuild draws first the pages tabs show
    queue = ChangeQueue()
    observer = start_observer(opts.site_dir, queue, ignore=(opts.site_dir / CACHE_DIR,))

    def publish(done: Rebuilt) -> None:
        if session.memory is not None:
            state.prefix = urls.base_path(session.memory.paper.config.base_url)
        state.publish(done, fingerprinted_outputs(session))
        print_rebuilt(done, out)

    try:
        with interrupt_on_sigterm():
            server.start()
            publish(run_build(session, None))
            url = server.url.rstrip("/") + state.prefix + "/"
            print(
                f"Serving {one_line(display_path(opts.site_dir))} at {url} ; press Ctrl-C to stop", file=out, flush=True
            )
            if open_browser:
                webbrowser.open(url)
            rebuild_forever(session, queue, publish)
    except KeyboardInterrupt:
        pass  # a build in progress has dropped its stage, or finished its patch, on the way out
    finally:
        server.stop()
        stop_watching(queue, observer, session)
    print("Stopped.", file=out, flush=True)
    return 0
