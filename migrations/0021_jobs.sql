-- The one background runtime (src/jobs, DESIGN §2 "Background work"). A job is a row claimed by
-- state: workers take `Queued` rows whose run_at has come (and `Processing` rows whose lease ran
-- out) with FOR UPDATE SKIP LOCKED, work outside any transaction, and record the outcome only
-- while `attempt` is still theirs (fencing). Keel's own work that belongs to no tenant runs under
-- the nil tenant id 00000000-0000-0000-0000-000000000000 (no tenant row has it).
CREATE TABLE jobs (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'Queued'
    CHECK (status IN ('Queued', 'Processing', 'Completed', 'Failed', 'Interrupted', 'Canceled')),
  run_at timestamptz NOT NULL,
  attempt integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
  lease_owner text,
  lease_until timestamptz,
  last_error text,
  result jsonb,
  schedule_id uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  finished_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
-- what is ready to claim, oldest first; and the leases that may have run out
CREATE INDEX jobs_queued ON jobs (run_at) WHERE status = 'Queued';
CREATE INDEX jobs_leases ON jobs (lease_until) WHERE status = 'Processing';
-- a tenant's queued work of one kind (schedules and fan-outs enqueue only when none is waiting)
CREATE INDEX jobs_queued_kind ON jobs (tenant_id, kind) WHERE status = 'Queued';

-- Recurring work: every `every_seconds`, or daily at midnight in `time_zone`. A tick that finds
-- next_run_at passed enqueues one job (however many periods were missed) and moves next_run_at
-- past now, in one transaction.
CREATE TABLE job_schedules (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  every_seconds integer CHECK (every_seconds > 0),
  time_zone text,
  next_run_at timestamptz NOT NULL,
  last_run_at timestamptz,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, kind),
  CHECK ((every_seconds IS NULL) <> (time_zone IS NULL))
);
CREATE INDEX job_schedules_due ON job_schedules (next_run_at);
