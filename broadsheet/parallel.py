"""Worker processes for the CPU-bound steps (Markdown, Jinja): threads would share one GIL."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
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
    return list(each_chunk(fn, chunks, min(jobs, len(chunks)), *shared))


def each_chunk(fn: Callable[..., Any], chunks: Iterable[Any], jobs: int, *shared: Any) -> Iterator[Any]:
    """Yield fn(chunk, *shared) for each chunk, in order, as each is done: by `jobs` forked processes, or here.

    Here (one job, or other threads running), the next chunk is taken from `chunks` only once the last one is
    done, so a generator of chunks can still choose what comes next (render draws first what is waited for).
    """
    global _SHARED
    if jobs <= 1 or not can_fork():
        for chunk in chunks:
            yield fn(chunk, *shared)
        return
    _SHARED = (fn, shared)
    try:
        ctx = multiprocessing.get_context("fork")
        with warnings.catch_warnings():
            # Python 3.12+ warns about fork() in threaded processes; can_fork() has ruled that out.
            warnings.simplefilter("ignore", DeprecationWarning)
            pool = ctx.Pool(jobs, initializer=_plain_sigterm)  # the workers are forked here
        with pool:
            yield from pool.imap(_call, chunks, chunksize=1)
    finally:
        _SHARED = ()


def _plain_sigterm() -> None:
    """In a worker: let SIGTERM end it quietly. The pool ends its workers with SIGTERM when the work is done;
    a handler inherited from the command line (which turns SIGTERM into an exception) would print a traceback."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _call(chunk: Any) -> Any:
    fn, shared = _SHARED
    return fn(chunk, *shared)


@contextmanager
def meanwhile(check: Callable[[], bool], beside: bool) -> Iterator[Callable[[], bool]]:
    """Run a yes-or-no `check` in a forked process while the caller goes on (231,000 stat calls on one core
    while the other takes 230,000 more); yield a function that waits for its answer. A check that fails in
    any way answers no. Unless `beside`, or where no fork is safe, the check runs here when asked. A child still
    running when the block is left (its answer no longer needed) is ended."""
    if not beside or not can_fork():
        yield check
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # can_fork() has ruled out other threads
        pid = os.fork()
    if pid == 0:  # the child answers in its exit status, and leaves without running anything of the parent's
        held = False
        try:
            _plain_sigterm()
            held = check()
        finally:
            os._exit(0 if held else 1)
    answers: list[bool] = []

    def answer() -> bool:
        if not answers:
            answers.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0)
        return answers[0]

    try:
        yield answer
    finally:
        if not answers:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
