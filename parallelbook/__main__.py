"""`python -m parallelbook`: the same command line as build.py and the `parallelbook` command."""

import sys

from .cli import main

sys.exit(main())
