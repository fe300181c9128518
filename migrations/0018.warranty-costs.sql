-- Warranty costs: one row per event that cost the seller money, for the cost report.
-- depends: 0004.trace
--
-- Written only by projections/reports/cost_view.py from Repaired (parts, labour),
-- ReplacementShipped and ReturnReceived (shipping) and Refunded (refunds) events;
-- events that cost nothing have no row. Model, supplier and cause are the item's,
-- read from views.trace_items when reporting. Events recorded before this migration
-- get their rows when the view is built (it starts from the beginning of the log).
CREATE TABLE views.warranty_costs (
    position    bigint      PRIMARY KEY,  -- the event's ledger position
    claim_id    uuid        NOT NULL,
    item_no     integer     NOT NULL,
    occurred_at timestamptz NOT NULL,     -- business time of the event
    month       date        NOT NULL,     -- first day of that month, China time
    parts       numeric     NOT NULL DEFAULT 0,
    labour      numeric     NOT NULL DEFAULT 0,
    shipping    numeric     NOT NULL DEFAULT 0,
    refunds     numeric     NOT NULL DEFAULT 0
);

CREATE INDEX warranty_costs_month ON views.warranty_costs (month);
CREATE INDEX warranty_costs_item ON views.warranty_costs (claim_id, item_no);
