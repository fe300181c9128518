-- The claims view: one row per claim with its current state, for list queries.
-- depends: 0001.views-schema
--
-- Written only by projections/claims_view.py. Customer name, phone and email are
-- personal data and are deliberately absent (region is kept for statistics).
CREATE TABLE views.claims (
    claim_id uuid PRIMARY KEY,
    claim_number text NOT NULL CONSTRAINT claims_claim_number_key UNIQUE,
    status text NOT NULL,
    kind text NOT NULL,
    channel text NOT NULL,
    categories text[] NOT NULL,
    problem_category text,
    priority text NOT NULL,
    complaint_grade text,
    team text,
    assignee text,
    region text,
    models text[] NOT NULL,
    -- Faulty and replacement serial numbers, so a search by either finds the claim.
    serial_nos text[] NOT NULL,
    item_stages text[] NOT NULL,
    description text NOT NULL,
    created_at timestamptz NOT NULL,        -- business time of Reported
    updated_at timestamptz NOT NULL,        -- recorded time of the last event
    closed_at timestamptz,                  -- recorded time of Closed/Rejected/Withdrawn
    escalation_level integer NOT NULL,
    satisfaction smallint,
    surveyed_at timestamptz,                -- business times from here on
    confirmed_at timestamptz,
    -- The first follow-up after the customer confirmed: the one the 48 h target measures.
    followed_up_at timestamptz,
    version integer NOT NULL,
    position bigint NOT NULL
);

-- Keyset pagination: ORDER BY created_at DESC, claim_id DESC.
CREATE INDEX claims_created_idx ON views.claims (created_at DESC, claim_id DESC);
-- Filters. Single-column b-trees (deduplicated, cheap to maintain): a filtered page
-- is read through the keyset index for common values or a bitmap scan for rare ones.
-- Every index is paid on every event (updated_at changes, so no HOT updates), which
-- is why these are not wider.
CREATE INDEX claims_status_idx ON views.claims (status);
CREATE INDEX claims_assignee_idx ON views.claims (assignee);
CREATE INDEX claims_kind_idx ON views.claims (kind);
CREATE INDEX claims_priority_idx ON views.claims (priority);
CREATE INDEX claims_region_idx ON views.claims (region);
CREATE INDEX claims_problem_category_idx ON views.claims (problem_category);
CREATE INDEX claims_updated_idx ON views.claims (updated_at);
CREATE INDEX claims_categories_idx ON views.claims USING gin (categories);
CREATE INDEX claims_models_idx ON views.claims USING gin (models);
CREATE INDEX claims_serial_nos_idx ON views.claims USING gin (serial_nos);
-- The satisfaction report reads surveys and confirmations by month.
CREATE INDEX claims_surveyed_idx ON views.claims (surveyed_at) WHERE surveyed_at IS NOT NULL;
CREATE INDEX claims_confirmed_idx ON views.claims (confirmed_at) WHERE confirmed_at IS NOT NULL;
