-- Tax rate tables per tenant: a rate for a country, optionally narrowed to a state and a tax code.
CREATE TABLE tax_rates (
  tenant_id  uuid NOT NULL REFERENCES tenants (id),
  id         uuid NOT NULL DEFAULT gen_random_uuid(),
  name       text,
  country    text NOT NULL,          -- as written on addresses ("United States", "US"): compared case-insensitively
  state      text,
  tax_code   text,
  rate       numeric NOT NULL CHECK (rate >= 0 AND rate <= 100),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX tax_rates_key ON tax_rates (tenant_id, lower(country), lower(coalesce(state, '')), lower(coalesce(tax_code, '')));
