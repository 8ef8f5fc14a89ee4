"""``python -m bench``: run the benchmarks, print the tables, write bench/results/<date>.json."""

from __future__ import annotations

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
