-- A customer's external id (the CRM's, or the caller's) names one customer per tenant: every
-- customer route accepts it in place of the id (seed 004).
create unique index customers_external_id on customers (tenant_id, external_id) where external_id is not null;
