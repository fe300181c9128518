"""The traceability view: items, serials, batches, models and suppliers."""
