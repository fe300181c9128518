-- Events the views could not apply, kept aside so the views go on past them.
-- depends: 0001.views-schema
--
-- A stored event that cannot be decoded (its row was altered, or written by a broken
-- writer), or that a view refuses, is recorded here with its ledger position, the view
-- (its tracking name) and the fault, in the transaction that moves the view past it.
-- Readiness reports "degraded" while any row exists; /metrics counts them;
-- `sanbao verify` names them. A rebuild of the view tries the event again.
CREATE TABLE IF NOT EXISTS views.quarantined_events (
    position bigint NOT NULL,
    view_name text NOT NULL,
    fault text NOT NULL,
    quarantined_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (view_name, position)
);
