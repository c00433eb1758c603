-- Invocations whose provider runs them as jobs of their own are followed by their function's poller ("polled").
ALTER TABLE invocations
    ADD COLUMN polled       boolean     NOT NULL DEFAULT false,
    ADD COLUMN submitted_at timestamptz,
    ADD COLUMN submit_seq   bigint;

-- What a poller loads: its function's unfinished jobs, and submissions still waiting to be matched with a job.
CREATE INDEX invocations_polled_pending ON invocations (target, function, created_at) WHERE polled AND NOT outcome_published;
CREATE INDEX invocations_polled_unmatched ON invocations (target, function) WHERE polled AND submit_seq IS NOT NULL AND provider_job_id IS NULL;

-- One row per (target, function) with polled jobs: which instance polls it, until when, and where its job list stands.
CREATE TABLE job_channels (
    target           text        NOT NULL,
    function         text        NOT NULL,
    owner            text,
    lease_expires_at timestamptz,
    next_seq         bigint      NOT NULL DEFAULT 1,
    watermark        bigint,
    PRIMARY KEY (target, function)
);
