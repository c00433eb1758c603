-- The invocation table is the work queue: a row needs work until its outcome has been published.
CREATE TABLE invocations (
    id                uuid        PRIMARY KEY,
    function          text        NOT NULL,
    target            text        NOT NULL,
    mode              text        NOT NULL,
    data              json        NOT NULL,
    idempotency_key   text        UNIQUE,
    timeout_seconds   integer     NOT NULL,
    max_attempts      integer     NOT NULL,
    tags              jsonb,
    batch_id          uuid,
    batch_index       integer,
    status            text        NOT NULL,
    result            json,
    error             jsonb,
    attempts          integer     NOT NULL DEFAULT 0,
    provider_job_id   text,
    created_at        timestamptz NOT NULL,
    started_at        timestamptz,
    finished_at       timestamptz,
    outcome_published boolean     NOT NULL DEFAULT false,
    lease_owner       text,
    lease_expires_at  timestamptz
);

-- What the recovery sweep scans: only rows that still need work, so it stays small however large the table grows.
CREATE INDEX invocations_pending ON invocations (created_at) WHERE NOT outcome_published;
CREATE INDEX invocations_created_at ON invocations (created_at DESC);
