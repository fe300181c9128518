"""The ``sanbao`` command line: one module per command group, plus the demo data."""
