"""``python -m router.cli`` is the ``supergraph`` command."""

from __future__ import annotations

import sys

from . import main

sys.exit(main())
