"""The one rich console the CLI prints to."""

from rich.console import Console

console = Console()
