-- Evidence files uploaded to claims, and the extended warranty plans sold against units.
-- depends: 0022.user-sign-in
--
-- evidence.files holds each uploaded file once, by the SHA-256 digest of its
-- content (content-addressed): the same photo attached twice is stored once.
-- A file that may hold personal data (an invoice) is stored encrypted
-- (AES-256-GCM) under the key of the customer named in sealed_for; erasing that
-- customer destroys the key, so the ciphertext can no longer be opened
-- (crypto-shredding). The same invoice for two customers is two rows. Files in
-- clear have sealed_for ''. Written by storage/evidence_files.py only.
CREATE SCHEMA IF NOT EXISTS evidence;

CREATE TABLE IF NOT EXISTS evidence.files (
    sha256      text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    sealed_for  text        NOT NULL DEFAULT '',
    media_type  text        NOT NULL,
    size        bigint      NOT NULL CHECK (size >= 0),
    content     bytea       NOT NULL,  -- the bytes, or nonce + ciphertext when sealed
    stored_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (sha256, sealed_for)
);

-- One row per extended warranty plan sold (the Unit's PlanSold event), for the
-- plan statistics (projections/reports/plans.py): plans sold, claims under plans
-- and their cost. Written when the sale is recorded.
CREATE TABLE IF NOT EXISTS views.unit_plans (
    serial_no      text        NOT NULL,
    plan_id        text        NOT NULL,
    policy_version text        NOT NULL,
    starts_on      date        NOT NULL,
    ends_on        date        NOT NULL,
    price          numeric     NOT NULL,
    sold_on        date        NOT NULL,
    sold_by        text        NOT NULL,
    PRIMARY KEY (serial_no, plan_id)
);
CREATE INDEX IF NOT EXISTS unit_plans_sold_on ON views.unit_plans (sold_on);
