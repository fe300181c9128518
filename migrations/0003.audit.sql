-- The audit trail: one row per claim event, across claims, for supervisors and compliance.
-- depends: 0001.views-schema
--
-- The payload is the event's data without personal data (a Reported event keeps
-- the customer's region only): complaint records are confidential, and the event
-- store itself stays the place where the full record lives.
CREATE TABLE views.audit_trail (
    position     bigint      PRIMARY KEY,  -- the ledger position: the keyset for paging
    claim_id     uuid        NOT NULL,
    claim_number text        NOT NULL,
    version      integer     NOT NULL,
    event_type   text        NOT NULL,
    actor        text        NOT NULL,     -- user id
    role         text        NOT NULL,
    occurred_at  timestamptz NOT NULL,     -- business time
    recorded_at  timestamptz NOT NULL,     -- ledger time
    summary      text        NOT NULL,
    payload      jsonb       NOT NULL,
    CONSTRAINT audit_trail_claim_version UNIQUE (claim_id, version)
);

-- Each filter ends in position so that a filtered page is read in keyset order
-- from the index; the claim filter uses the (claim_id, version) key.
CREATE INDEX audit_trail_actor ON views.audit_trail (actor, position);
CREATE INDEX audit_trail_event_type ON views.audit_trail (event_type, position);
CREATE INDEX audit_trail_recorded_at ON views.audit_trail (recorded_at, position);
