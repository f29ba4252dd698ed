-- A billing run records its progress as it goes (what it wrote, and a heartbeat): a run whose
-- process died is marked Interrupted, with what it wrote, and the next run that covers its target
-- date finishes it (resumed_by). Issue 15 part 4.
ALTER TABLE billing_jobs DROP CONSTRAINT billing_jobs_status_check;
ALTER TABLE billing_jobs ADD CONSTRAINT billing_jobs_status_check CHECK (status IN ('Running', 'Completed', 'Failed', 'Interrupted'));
ALTER TABLE billing_jobs ADD COLUMN heartbeat_at timestamptz;
ALTER TABLE billing_jobs ADD COLUMN resumed_by uuid;
CREATE INDEX billing_jobs_running ON billing_jobs (tenant_id, created_at) WHERE status = 'Running';
