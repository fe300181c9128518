"""The one rich console the CLI prints to.

On a terminal, rich fits the output to the window. Piped into a file or another
program, nothing is wrapped or cut: a hash stays on one line and a table keeps
its natural width (rich would otherwise assume 80 columns).
"""

import sys

from rich.console import Console

UNBOUNDED_WIDTH = 10_000

console = Console() if sys.stdout.isatty() else Console(width=UNBOUNDED_WIDTH, soft_wrap=True)
errors = (
    Console(stderr=True)
    if sys.stderr.isatty()
    else Console(stderr=True, width=UNBOUNDED_WIDTH, soft_wrap=True)
)
"""Notes and progress, on stderr: what a script reads from stdout stays clean."""
