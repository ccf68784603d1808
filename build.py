#!/usr/bin/env python3
"""Build the book in this folder (or --book DIR): see `python build.py --help`."""

import sys

from parallelbook.cli import main

if __name__ == "__main__":
    sys.exit(main())
