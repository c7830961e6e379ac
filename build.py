#!/usr/bin/env python3
"""Build the site: `python build.py [build|check|new|serve|watch] …` (bare means build)."""

import sys

from broadsheet.cli import main

if __name__ == "__main__":
    sys.exit(main())
