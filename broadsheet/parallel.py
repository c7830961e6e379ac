"""Worker processes for the CPU-bound steps (Markdown, Jinja): threads would share one GIL."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import Any

_SHARED: tuple = ()  # what forked workers inherit: the site model and the plan, never pickled


def default_jobs() -> int:
    """Return how many processes to use: BROADSHEET_JOBS, else one per core."""
    text = os.environ.get("BROADSHEET_JOBS", "")
    if text.isdigit() and int(text) > 0:
        return int(text)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    """Tell whether forking is safe here: a POSIX system and no other threads that could hold a lock."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def run_chunks(fn: Callable[..., Any], chunks: Sequence[Any], jobs: int, *shared: Any) -> list[Any]:
    """Return [fn(chunk, *shared) for chunk in chunks], computed by `jobs` forked processes.

    `shared` reaches the workers through fork, so large read-only data (the whole site) costs
    nothing to send; only the chunks and the results are pickled.
    """
    global _SHARED
    if jobs <= 1 or len(chunks) <= 1 or not can_fork():
        return [fn(chunk, *shared) for chunk in chunks]
    _SHARED = (fn, shared)
    try:
        ctx = multiprocessing.get_context("fork")
        with warnings.catch_warnings():
            # Python 3.12+ warns about fork() in threaded processes; can_fork() has ruled that out.
            warnings.simplefilter("ignore", DeprecationWarning)
            with ctx.Pool(min(jobs, len(chunks)), initializer=_plain_sigterm) as pool:
                return pool.map(_call, chunks, chunksize=1)
    finally:
        _SHARED = ()


def _plain_sigterm() -> None:
    """In a worker: let SIGTERM end it quietly. The pool ends its workers with SIGTERM when the work is done;
    a handler inherited from the command line (which turns SIGTERM into an exception) would print a traceback."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _call(chunk: Any) -> Any:
    fn, shared = _SHARED
    return fn(chunk, *shared)
