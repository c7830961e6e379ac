"""Packaging: the wheel carries the default theme, the checkout's templates/ and static/, as broadsheet/theme/.

The theme's source stays at the repository's top level, where the sample site uses it; broadsheet.paths
.default_theme() reads it there in a checkout and from broadsheet/theme/ once installed from a wheel.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# Kept in step with broadsheet.paths.THEME_STATIC_SKIPPED: the sample site's photographs are not the theme's.
SKIPPED = {HERE / "static" / "images"}


class build_py_with_theme(build_py):
    """Build the package, then copy the theme into it."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the theme from the checkout
        for name in ("templates", "static", "locales"):
            target = Path(self.build_lib) / "broadsheet" / "theme" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(HERE / name, target, ignore=skip)


def skip(folder: str, names: list[str]) -> set[str]:
    """Leave out the sample site's photographs and editor leftovers."""
    return {n for n in names if Path(folder, n) in SKIPPED or n.startswith(".") or n.endswith("~")}


setup(cmdclass={"build_py": build_py_with_theme})
