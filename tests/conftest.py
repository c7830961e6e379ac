"""Fixtures shared by the tests; the helpers they use live in support.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return tmp_path / "site"


@pytest.fixture
def forks(monkeypatch) -> list[int]:
    """Count the processes forked during the test (the worker processes of a parallel build)."""
    started: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        started.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counting_fork)
    return started
