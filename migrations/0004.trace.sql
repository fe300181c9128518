-- Traceability: one row per claim item, and the chain of replacement serial numbers.
-- depends: 0001.views-schema
--
-- Rows are rewritten as a claim moves on; fillfactor leaves room on each page
-- so those updates stay HOT (no new index entries when indexed columns keep their values).
CREATE TABLE views.trace_items (
    claim_id              uuid        NOT NULL,
    item_no               integer     NOT NULL,
    claim_number          text        NOT NULL,
    kind                  text        NOT NULL,
    channel               text        NOT NULL,
    region                text        NOT NULL,
    reported_at           timestamptz NOT NULL,  -- business time of the report
    month                 date        NOT NULL,  -- first day of the report's month, China time
    problem_category      text,
    complaint_grade       text,
    model                 text        NOT NULL,
    category              text        NOT NULL,
    serial_no             text,                  -- NULL when the item has none
    batch_no              text,
    supplier              text,
    price                 numeric     NOT NULL,
    quantity              integer     NOT NULL,
    cause                 text,                  -- the item's diagnosed cause (latest)
    claim_cause           text,                  -- a diagnosis of the whole claim (complaints)
    rule_id               text,
    policy_version        text,
    remedy                text,
    free                  boolean,
    responsible           text,
    diagnosed_at          timestamptz,
    quoted_amount         numeric,
    repairs               integer     NOT NULL DEFAULT 0,
    failed_repairs        integer     NOT NULL DEFAULT 0,
    exchanged             integer     NOT NULL DEFAULT 0,
    replacement_serial_no text,                  -- the latest replacement shipped
    replacement_batch_no  text,
    returned              integer     NOT NULL DEFAULT 0,
    refunds               integer     NOT NULL DEFAULT 0,
    refunded_amount       numeric     NOT NULL DEFAULT 0,
    stage                 text        NOT NULL,  -- the item's stage, as the aggregate names it
    claim_status          text        NOT NULL,  -- open, closed, rejected, withdrawn
    escalation_level      integer     NOT NULL DEFAULT 0,
    updated_at            timestamptz NOT NULL,
    closed_at             timestamptz,
    PRIMARY KEY (claim_id, item_no)
) WITH (fillfactor = 80);

CREATE INDEX trace_items_serial_no ON views.trace_items (serial_no);
CREATE INDEX trace_items_batch_no ON views.trace_items (batch_no);
CREATE INDEX trace_items_model ON views.trace_items (model);
CREATE INDEX trace_items_supplier ON views.trace_items (supplier);
CREATE INDEX trace_items_month ON views.trace_items (month);

-- One row per replacement shipped: an item can be exchanged more than once, and
-- the chain faulty serial → replacement serial is followed in both directions.
CREATE TABLE views.trace_replacements (
    position    bigint      PRIMARY KEY,
    claim_id    uuid        NOT NULL,
    item_no     integer     NOT NULL,
    from_serial text,                           -- the serial the customer held until then
    to_serial   text        NOT NULL,
    batch_no    text,
    shipped_at  timestamptz NOT NULL
);

CREATE INDEX trace_replacements_from_serial ON views.trace_replacements (from_serial);
CREATE INDEX trace_replacements_to_serial ON views.trace_replacements (to_serial);
