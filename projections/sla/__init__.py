"""The SLA view: clock runs, the board, and the breach sweep."""
