"""Units: finding the claims about a serial number through the trace view's tables."""
