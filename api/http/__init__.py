"""The HTTP API: the FastAPI app, its routes, schemas, dependencies and problem answers."""
