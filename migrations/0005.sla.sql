-- The SLA view: one row per run of each SLA clock, and the per-claim state the runs
-- are computed from.
-- depends: 0001.views-schema
--
-- Written by projections/sla_view.py, except breach_recorded_at and escalation,
-- which only the breach sweep (projections/sla_sweep.py) writes. Rows hold no
-- judgement "as of now": met / breached / due soon are computed by the queries.

CREATE TABLE views.sla_claims (
    claim_id uuid PRIMARY KEY,
    claim_number text NOT NULL,
    kind text NOT NULL,
    team text,
    assignee text,
    -- Business time of the Closed/Rejected/Withdrawn that ended the claim; NULL while
    -- open (Reopened clears it). The board hides late-stopped runs of ended claims.
    ended_at timestamptz,
    -- The claim version of the last event folded in: a replayed event changes nothing.
    version int NOT NULL,
    -- The events the clocks are computed from, in ledger order: [[name, occurred_at]].
    -- Only events that start, stop, pause, resume or end clocks are kept.
    events jsonb NOT NULL,
    -- Overdue escalations recorded in the ledger: {"repair#2": occurred_at, ...}.
    escalations jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX sla_claims_team_idx ON views.sla_claims (team);
CREATE INDEX sla_claims_assignee_idx ON views.sla_claims (assignee);

CREATE TABLE views.sla_clocks (
    claim_id uuid NOT NULL,
    clock text NOT NULL,
    run int NOT NULL,
    started_at timestamptz NOT NULL,
    -- For a paused run: the due time without the ongoing pause (it moves on resume).
    due_at timestamptz NOT NULL,
    -- Extension earned by finished pauses, in the clock's measure (working or elapsed).
    paused_total interval NOT NULL,
    paused_since timestamptz NULL,
    stopped_at timestamptz NULL,
    stopped_by text NULL,
    -- Business time of the Escalated event that names this run (from the ledger).
    escalated_at timestamptz NULL,
    -- The sweep's own bookkeeping: when it recorded the open run as breached, and
    -- where its escalation stands: 'pending', 'escalated', 'already_escalated',
    -- 'claim_ended' or 'off' (escalation disabled when the breach was recorded).
    breach_recorded_at timestamptz NULL,
    escalation text NULL,
    PRIMARY KEY (claim_id, clock, run)
);

-- The board and the sweep: open runs due before a moment.
CREATE INDEX sla_clocks_open_due_idx ON views.sla_clocks (due_at) WHERE stopped_at IS NULL;
-- Breaches: recorded by the sweep, or stopped after the due time.
CREATE INDEX sla_clocks_breach_idx ON views.sla_clocks (due_at)
    WHERE breach_recorded_at IS NOT NULL OR stopped_at > due_at;
-- Escalations a crashed sweep left unfinished.
CREATE INDEX sla_clocks_escalation_pending_idx ON views.sla_clocks (claim_id)
    WHERE escalation = 'pending';
