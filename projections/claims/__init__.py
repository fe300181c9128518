"""The claims view: one row per claim, and its list queries."""
