-- Webhook subscriptions and their delivery log.
-- depends: 0019.outlet-positions
--
-- A subscription receives the public events of the types it names (all when
-- none), in ledger order: ``position`` is the last one delivered, and the next
-- is not sent before it. ``secret`` is the signing secret sealed with AES-GCM
-- under the webhook key (storage/webhooks.py); it is shown once, at creation.
-- A subscription failing since ``failing_since`` for longer than the setting
-- SANBAO_WEBHOOK_DISABLE_AFTER is disabled (``disabled_at``).
CREATE TABLE IF NOT EXISTS outlets.webhooks (
    id              uuid        PRIMARY KEY,
    url             text        NOT NULL,
    types           text[]      NOT NULL DEFAULT '{}',
    secret          bytea       NOT NULL,
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    position        bigint      NOT NULL CHECK (position >= 0),
    attempts        integer     NOT NULL DEFAULT 0,  -- failed attempts at the next event
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    failing_since   timestamptz,
    last_error      text,
    disabled_at     timestamptz,
    deleted_at      timestamptz
);

-- One row per event a subscription was sent (or is being retried): the delivery log.
CREATE TABLE IF NOT EXISTS outlets.webhook_deliveries (
    webhook_id      uuid        NOT NULL REFERENCES outlets.webhooks (id),
    position        bigint      NOT NULL,
    event_type      text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('delivered', 'retrying', 'abandoned')),
    attempts        integer     NOT NULL,
    response_status integer,
    last_error      text,
    first_attempt_at timestamptz NOT NULL,
    last_attempt_at timestamptz NOT NULL,
    PRIMARY KEY (webhook_id, position)
);
