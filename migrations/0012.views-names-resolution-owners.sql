-- Read models for display names, processing time and breach owners.
-- depends: 0002.claims 0004.trace 0005.sla
--
-- Filled by the projections from the events; rows written before this migration
-- get their values when the views are rebuilt (`sanbao projections rebuild claims
-- trace sla`), which rereads the whole log.

-- The item's display name (Item.model_name), shown next to the model code; never matched.
ALTER TABLE views.trace_items ADD COLUMN model_name text;

-- Display names aligned with `models` ('' where the code has none).
ALTER TABLE views.claims ADD COLUMN model_names text[] NOT NULL DEFAULT '{}';
-- Business time of the event that last set the status to resolved; NULL while the
-- claim is not resolved, and cleared when it leaves resolved other than by closing.
ALTER TABLE views.claims ADD COLUMN resolved_at timestamptz;
-- The monthly report reads resolutions by month.
CREATE INDEX claims_resolved_idx ON views.claims (resolved_at) WHERE resolved_at IS NOT NULL;

-- Every assignment in order, [[occurred_at, team, assignee]], so each run knows its owner.
ALTER TABLE views.sla_claims ADD COLUMN assignments jsonb NOT NULL DEFAULT '[]';
-- Who held the claim at the run's due time: a breach counts for them.
ALTER TABLE views.sla_clocks ADD COLUMN due_team text;
ALTER TABLE views.sla_clocks ADD COLUMN due_assignee text;
-- The sweep's search for runs that stopped late before it recorded them (few at a time).
CREATE INDEX sla_clocks_late_unrecorded_idx ON views.sla_clocks (due_at)
    WHERE stopped_at > due_at AND breach_recorded_at IS NULL;
