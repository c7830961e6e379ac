"""Time limits on the steps a hostile input can make run for ever: converting a story, drawing a page."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_deadline: float | None = None  # when the innermost limit in force runs out (time.monotonic())


@contextmanager
def time_limit(seconds: float | None, expired: Callable[[], BaseException]) -> Iterator[None]:
    """Raise expired() in the block after `seconds`, or sooner where an enclosing limit runs out first.

    SIGALRM, so the main thread only (a forked worker's included): the regex engine and the interpreter check
    for signals, so even a runaway regex or a loop that never ends is interrupted. A worker thread cannot take
    signals and runs without a limit. An enclosing limit is never extended by one inside it: a story's whole
    conversion stays within its limit, however many parts it is converted in.
    """
    global _deadline
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    outer = _deadline
    deadline = time.monotonic() + seconds
    if outer is not None and outer <= deadline:
        yield  # the enclosing limit runs out first, and its timer is already set
        return

    def expire(signum, frame):
        if _deadline != deadline:  # a late signal, after this limit ended
            return
        if (left := deadline - time.monotonic()) > 0:  # a late signal from a limit inside this one: not yet
            signal.setitimer(signal.ITIMER_REAL, left)
            return
        raise expired()

    previous = signal.signal(signal.SIGALRM, expire)
    _deadline = deadline
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        _deadline = outer  # first: a signal that arrives during the rest finds this limit ended
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer is not None:  # the enclosing limit goes on with what is left of it (at once, if nothing is)
            signal.setitimer(signal.ITIMER_REAL, max(outer - time.monotonic(), 1e-6))
