-- A page of claims filtered by region (and model) is read in keyset order from the
-- region's own entries, whatever the size of the log.
-- depends: 0027.sla-board-counts
--
-- Before it, a page filtered by region and model walked the keyset index and read
-- every claim's row to filter it (about 9,500 rows, 566 buffers at 1,000,000 events
-- for a 0.5 % filter), or, on a smaller log, read and sorted every match through a
-- bitmap of the models GIN index and the region index: either way the work grew with
-- the log. This index walks the region's claims newest first and, as the models are
-- in it (INCLUDE), the page's keys are found by an index-only scan that filters the
-- models there and stops at the page's end (``projections/claims/claims_queries.py``
-- reads the keys first, the rows after): about 1,200 entries in 17 index pages at
-- 100,000 as at 1,000,000 events. The scan skips the heap on pages marked
-- all-visible, which a vacuum does: autovacuum, or the runner after a large
-- catch-up. The single-column region index stays: for a model the region hardly
-- has (or not at all) the planner ANDs its bitmap with the models GIN index and
-- reads the few matches (0.2 ms at 1,000,000 events), where this index would walk
-- every claim of the region to find none.
CREATE INDEX claims_region_created_idx ON views.claims (region, created_at DESC, claim_id DESC)
    INCLUDE (models);
