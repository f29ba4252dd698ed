-- Billing schedules: recurring billing jobs on a Quartz cron, with catch-up (DESIGN "Billing").
CREATE TABLE billing_schedules (
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  id                  uuid NOT NULL DEFAULT gen_random_uuid(),
  name                text,
  schedule_type       text NOT NULL CHECK (schedule_type IN ('Recurring')),
  status              text NOT NULL CHECK (status IN ('Draft', 'Active', 'Canceled')),
  recurring_schedule  text NOT NULL,
  schedule_start_date date NOT NULL,
  auto_activate       boolean NOT NULL DEFAULT false,
  target_increment    integer NOT NULL DEFAULT 0,       -- days added to the run date to make the target date
  customer_ids        jsonb,
  last_run_date       date,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
ALTER TABLE billing_jobs ADD COLUMN schedule_id uuid;
