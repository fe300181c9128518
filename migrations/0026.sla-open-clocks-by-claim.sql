-- Each claim's open SLA runs, earliest due first: the pages that show a claim's next
-- due clock or whether it is overdue (the claims list and its overdue filter, the
-- queue) probe this per listed claim.
-- depends: 0025.repair-solutions
--
-- Without it the only index on open runs is sla_clocks_open_due_idx (due_at), and with
-- statistics older than the last few thousand claims (right after a bulk load, before
-- autovacuum's ANALYZE) the planner read that whole index once per listed claim: 24-48 s
-- for a page of 50 at 10,000 claims. This index answers the same probe from the
-- claim's own entries whatever the statistics say, and in the order the pages want.
CREATE INDEX sla_clocks_open_by_claim_idx ON views.sla_clocks (claim_id, due_at, clock, run)
    WHERE stopped_at IS NULL;
