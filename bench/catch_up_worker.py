"""Catches views up to the head of the ledger at DATABASE_URL, then exits.

python -m bench.catch_up_worker [VIEW ...]      (default: every view)
"""

from __future__ import annotations

import sys

from api.service.bootstrap import open_ledger
from api.settings import get_settings
from projections.engine.registry import build_views
from projections.engine.runner import ViewRunner


def main() -> None:
    ledger, _ = open_ledger(get_settings())
    try:
        ViewRunner(ledger, build_views(ledger, sys.argv[1:] or None)).catch_up()
    finally:
        ledger.close()


if __name__ == "__main__":
    main()
