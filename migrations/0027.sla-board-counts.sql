-- The SLA board's counts, kept by the SLA view (projections/sla/sla_board_counts.py).
-- depends: 0026.sla-open-clocks-by-claim
--
-- Counting the board on each request read every breached run (9,676 of them at 10,000
-- open claims). Per current team and assignee, this table holds how many runs count as
-- breached from the start of each hour, whatever happens later: open runs (unless
-- paused before their due time) from the hour of their due time, and runs that stopped
-- late while their claim is open at any moment (counts_from NULL). The board adds the
-- counts of the hours before now's and judges the runs due since then one by one.
CREATE TABLE views.sla_board_counts (
    team text,
    assignee text,
    counts_from timestamptz,
    runs integer NOT NULL,
    CONSTRAINT sla_board_counts_key UNIQUE NULLS NOT DISTINCT (team, assignee, counts_from)
);

-- The runs the view wrote before this migration.
INSERT INTO views.sla_board_counts (team, assignee, counts_from, runs)
SELECT s.team, s.assignee,
       CASE WHEN c.stopped_at IS NULL
            THEN date_bin('1 hour', c.due_at, timestamptz '2000-01-01 00:00+00') END,
       count(*)
  FROM views.sla_clocks c JOIN views.sla_claims s USING (claim_id)
 WHERE (c.stopped_at > c.due_at AND s.ended_at IS NULL)
    OR (c.stopped_at IS NULL AND (c.paused_since IS NULL OR c.due_at < c.paused_since))
 GROUP BY 1, 2, 3;

-- The board's runs that stopped late, earliest due first: its page reads them in this
-- order (sla_clocks_breach_idx also holds every breach the sweep recorded).
CREATE INDEX sla_clocks_stopped_late_idx ON views.sla_clocks (due_at) WHERE stopped_at > due_at;
