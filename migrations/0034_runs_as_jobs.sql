-- Runs and bulk changes are jobs (src/jobs), not work on the request (issue 15 part 5). A billing
-- run requested over the API is Queued until a worker starts it; a bulk change job keeps the
-- targets fixed when it was accepted, so a worker (or the next attempt after a crash) works them.
ALTER TABLE billing_jobs DROP CONSTRAINT billing_jobs_status_check;
ALTER TABLE billing_jobs ADD CONSTRAINT billing_jobs_status_check CHECK (status IN ('Queued', 'Running', 'Completed', 'Failed', 'Interrupted'));
-- The job's next attempt after a crash finishes its run as a new run (the cut one reads Interrupted,
-- resumed by it); retry_of names the run the job was asked for, so each attempt finds the latest.
ALTER TABLE billing_jobs ADD COLUMN retry_of uuid;
ALTER TABLE change_jobs ADD COLUMN targets jsonb;
