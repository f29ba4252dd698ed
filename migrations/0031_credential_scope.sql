-- Organisation scope (DESIGN §3): an API key may be bound to a customer like an API client (a key
-- made by a scoped credential carries its scope; null: the whole tenant), and a bulk change job
-- remembers the scope it was made in, so only that organisation (or the tenant) can follow it.
ALTER TABLE api_keys ADD COLUMN customer_id uuid;
ALTER TABLE change_jobs ADD COLUMN scope_customer_id uuid;
