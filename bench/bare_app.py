"""The baseline for the API benchmark: bare FastAPI endpoints, one plain SQL statement each.

    DATABASE_URL=… uvicorn bench.bare_app:app

``POST /notes/{claim_id}`` inserts one row; ``GET /claims/{claim_id}`` selects
one row. Same framework, server and database as the ledger; no checks, no
events, no projections: the physical limit of an HTTP write and read here.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

from fastapi import FastAPI
from psycopg_pool import ConnectionPool
from pydantic import BaseModel

pool = ConnectionPool(os.environ["DATABASE_URL"], min_size=4, max_size=8, open=False)


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    pool.open()
    with pool.connection() as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bare_notes "
            "(id bigserial PRIMARY KEY, claim_id uuid, text text, at timestamptz DEFAULT now())"
        )
    yield
    pool.close()


app = FastAPI(lifespan=lifespan)


class Note(BaseModel):
    text: str


@app.post("/notes/{claim_id}", status_code=201)
def add_note(claim_id: UUID, note: Note) -> dict[str, Any]:
    """One INSERT."""
    with pool.connection() as conn:
        row = conn.execute(
            "INSERT INTO bare_notes (claim_id, text) VALUES (%s, %s) RETURNING id",
            (claim_id, note.text),
        ).fetchone()
    return {"id": row[0] if row else None}


@app.get("/claims/{claim_id}")
def read_claim(claim_id: UUID) -> dict[str, Any]:
    """One SELECT."""
    with pool.connection() as conn:
        row = conn.execute(
            "SELECT claim_id, text, at FROM bare_notes WHERE claim_id = %s LIMIT 1", (claim_id,)
        ).fetchone()
    return {"claim_id": str(claim_id), "found": row is not None}
