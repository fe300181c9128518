"""Runs a module as a program and reports its own peak RSS on stderr.

python -m bench.peak_rss api.cli.main projections rebuild
"""

from __future__ import annotations

import resource
import runpy
import sys

PEAK_PREFIX = "peak_rss_kib="


def main() -> None:
    module, *arguments = sys.argv[1:]
    sys.argv = [module, *arguments]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"{PEAK_PREFIX}{peak}", file=sys.stderr)


if __name__ == "__main__":
    main()
