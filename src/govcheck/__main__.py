from __future__ import annotations

from govcheck.cli import main

main()
