-- Outlets: how far each outlet (a NATS JetStream stream) has published the ledger's events.
-- depends: 0018.warranty-costs
--
-- One row per outlet, written by api/service/nats_publisher.py through
-- storage/publish_positions.py after the outlet acknowledged every event up to
-- the position. A publisher that dies between the two resends from here; the
-- stream drops what it already holds (Nats-Msg-Id is the position).
CREATE SCHEMA IF NOT EXISTS outlets;

CREATE TABLE IF NOT EXISTS outlets.positions (
    outlet     text        PRIMARY KEY,  -- e.g. nats:SANBAO
    position   bigint      NOT NULL CHECK (position >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);
