-- The counters of the claim numbers the ledger gives (SB-2026-000123), one row per prefix and year.
-- depends: 0006.users
CREATE TABLE api.claim_number_counters (
    prefix text NOT NULL,
    year int NOT NULL,
    last bigint NOT NULL CHECK (last > 0),
    PRIMARY KEY (prefix, year)
);
