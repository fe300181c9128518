-- Standard repair solutions: the fault codes diagnosed and the solutions repairs applied,
-- for the statistics of which solution fixed what (first-time fix rate by fault code).
-- depends: 0024.evidence-files-and-plan-sales
--
-- Written only by projections/reports/solutions.py from Diagnosed events naming a fault
-- code and from Repaired events. Events recorded before the catalogue carry no codes:
-- their repairs have rows with empty codes, their diagnoses none. Stock movements are
-- not here: they are events of their own table (<ledger>_stock, made by the library)
-- and read from it.
CREATE TABLE views.item_faults (
    claim_id    uuid        NOT NULL,
    item_no     integer     NOT NULL,
    fault_code  text        NOT NULL,     -- the latest diagnosis's, '' when it named none
    position    bigint      NOT NULL,     -- that diagnosis's ledger position
    occurred_at timestamptz NOT NULL,
    month       date        NOT NULL,     -- first day of the diagnosis's month, China time
    PRIMARY KEY (claim_id, item_no)
);

CREATE INDEX item_faults_month ON views.item_faults (month, fault_code);

CREATE TABLE views.repairs_done (
    position    bigint      PRIMARY KEY,  -- the Repaired event's ledger position
    claim_id    uuid        NOT NULL,
    item_no     integer     NOT NULL,
    attempt     integer     NOT NULL,     -- 1 for the item's first repair, 2 for the next …
    fault_code  text        NOT NULL,     -- the item's diagnosed fault code then ('' none)
    solution_id text        NOT NULL,     -- the standard solution applied ('' none named)
    outcome     text        NOT NULL,     -- fixed, not_fixed …
    occurred_at timestamptz NOT NULL,
    month       date        NOT NULL
);

CREATE INDEX repairs_done_month ON views.repairs_done (month);
CREATE INDEX repairs_done_item ON views.repairs_done (claim_id, item_no);
