-- Billing schedules keep their filters in the where dialect (the GraphQL read model's): the
-- customers and products a run bills are resolved when it runs.
ALTER TABLE billing_schedules ADD COLUMN customer_filter text;
ALTER TABLE billing_schedules ADD COLUMN product_filter text;
ALTER TABLE billing_schedules ADD COLUMN bill_cycle_day_filter text;
