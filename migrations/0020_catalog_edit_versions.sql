-- A counter per tenant that every catalog write moves, in its own transaction: processes holding
-- the live catalog in memory compare it (at most once a second) to know when to let go.
CREATE TABLE catalog_edit_versions (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  version   bigint NOT NULL
);
