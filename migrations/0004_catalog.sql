-- The catalog (src/catalog/objects.ts describes every column; a test checks they agree).
-- Money is numeric, business dates are date. References are composite foreign keys led by
-- tenant_id; the service also checks them first, to name the field in its 400.

CREATE TABLE catalog_uoms (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  quantity_dimension text NOT NULL,
  term_dimension text,
  decimal_scale integer NOT NULL DEFAULT 0,
  rounding_mode text NOT NULL DEFAULT 'Up',
  unit_code text,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE catalog_price_books (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  description text,
  standard boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT true,
  archived boolean NOT NULL DEFAULT false,
  self_service_enabled boolean NOT NULL DEFAULT false,
  price_attributes jsonb,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE catalog_products (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  sku text NOT NULL,
  record_type text NOT NULL DEFAULT 'Product',
  product_type text,
  configurable boolean NOT NULL DEFAULT false,
  sold_independently boolean NOT NULL DEFAULT true,
  status text NOT NULL DEFAULT 'Draft',
  bundle_template boolean NOT NULL DEFAULT false,
  description text,
  long_description text,
  price_model text NOT NULL DEFAULT 'Recurring',
  start_date date,
  end_date date,
  free_trial_unit integer,
  free_trial_type text,
  product_category text,
  auto_renew boolean NOT NULL DEFAULT false,
  default_renewal_term integer,
  default_subscription_term integer,
  billing_timing text,
  billing_period text,
  show_included_product_options boolean NOT NULL DEFAULT false,
  publish_status text NOT NULL DEFAULT 'Unpublished',
  last_published_by_id text,
  last_published_date timestamptz,
  tax_code text,
  tax_mode text NOT NULL DEFAULT 'Exclusive',
  tax_category text,
  product_code text,
  reference_product_id uuid,
  uom_id uuid,
  price_book_id uuid,
  image_url text,
  evergreen boolean NOT NULL DEFAULT false,
  carves_liability_segment text,
  carves_revenue_segment text,
  contract_liability_segment text,
  contract_revenue_segment text,
  carves_eligible boolean NOT NULL DEFAULT false,
  credit_conversion_id uuid,
  revenue_rule_external_id text,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX catalog_products_reference_product_id ON catalog_products (tenant_id, reference_product_id);
CREATE INDEX catalog_products_uom_id ON catalog_products (tenant_id, uom_id);
CREATE INDEX catalog_products_price_book_id ON catalog_products (tenant_id, price_book_id);
CREATE INDEX catalog_products_credit_conversion_id ON catalog_products (tenant_id, credit_conversion_id);

CREATE TABLE catalog_features (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  description text,
  status text NOT NULL DEFAULT 'Active',
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE catalog_product_features (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  feature_order integer,
  min_options integer,
  max_options integer,
  feature_name text,
  feature_description text,
  feature_id uuid,
  configured_product_id uuid NOT NULL,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX catalog_product_features_feature_id ON catalog_product_features (tenant_id, feature_id);
CREATE INDEX catalog_product_features_configured_product_id ON catalog_product_features (tenant_id, configured_product_id);

CREATE TABLE catalog_product_options (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text,
  option_name text,
  option_order integer,
  option_type text,
  default_quantity numeric NOT NULL DEFAULT 1,
  included_quantity numeric NOT NULL DEFAULT 0,
  min_quantity numeric NOT NULL DEFAULT 0,
  max_quantity numeric,
  quantity_editable boolean NOT NULL DEFAULT true,
  required boolean NOT NULL DEFAULT false,
  bundled boolean NOT NULL DEFAULT false,
  recommended boolean NOT NULL DEFAULT false,
  independent_pricing boolean NOT NULL DEFAULT false,
  option_product_id uuid NOT NULL,
  configured_product_id uuid NOT NULL,
  product_feature_id uuid,
  price_book_entry_id uuid,
  default_quantity_mode text,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX catalog_product_options_option_product_id ON catalog_product_options (tenant_id, option_product_id);
CREATE INDEX catalog_product_options_configured_product_id ON catalog_product_options (tenant_id, configured_product_id);
CREATE INDEX catalog_product_options_product_feature_id ON catalog_product_options (tenant_id, product_feature_id);
CREATE INDEX catalog_product_options_price_book_entry_id ON catalog_product_options (tenant_id, price_book_entry_id);

CREATE TABLE catalog_price_book_entries (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  list_price numeric NOT NULL,
  active boolean NOT NULL DEFAULT true,
  currency_iso_code text NOT NULL,
  recommended boolean NOT NULL DEFAULT false,
  billing_timing text,
  uom_id uuid NOT NULL,
  price_book_id uuid NOT NULL,
  product_id uuid NOT NULL,
  pricing_attribute_1 text,
  pricing_attribute_2 text,
  pricing_attribute_3 text,
  pricing_attribute_4 text,
  pricing_attribute_5 text,
  pricing_attribute_6 text,
  pricing_attribute_7 text,
  pricing_attribute_8 text,
  pricing_attribute_9 text,
  pricing_attribute_10 text,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX catalog_price_book_entries_uom_id ON catalog_price_book_entries (tenant_id, uom_id);
CREATE INDEX catalog_price_book_entries_price_book_id ON catalog_price_book_entries (tenant_id, price_book_id);
CREATE INDEX catalog_price_book_entries_product_id ON catalog_price_book_entries (tenant_id, product_id);

CREATE TABLE catalog_price_dimensions (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  description text,
  code text NOT NULL,
  record_type text NOT NULL DEFAULT 'PriceDimension',
  price_tag_type text NOT NULL DEFAULT 'Quantity',
  price_type text NOT NULL DEFAULT 'Volume',
  start_time timestamptz,
  end_time timestamptz,
  active boolean NOT NULL DEFAULT true,
  object_id text,
  object_type text,
  uom_dimension text,
  price_book_id uuid,
  uom_id uuid,
  publish_status text NOT NULL DEFAULT 'Unpublished',
  last_published_by_id text,
  last_published_date timestamptz,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX catalog_price_dimensions_price_book_id ON catalog_price_dimensions (tenant_id, price_book_id);
CREATE INDEX catalog_price_dimensions_uom_id ON catalog_price_dimensions (tenant_id, uom_id);

CREATE TABLE catalog_price_tiers (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text,
  tier_number integer,
  start_unit numeric NOT NULL,
  end_unit numeric,
  start_unit_dimension text,
  end_unit_dimension text,
  amount numeric,
  discount_percentage numeric,
  charge_model text NOT NULL DEFAULT 'PerUnit',
  price_dimension_id uuid NOT NULL,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX catalog_price_tiers_price_dimension_id ON catalog_price_tiers (tenant_id, price_dimension_id);

CREATE TABLE catalog_product_price_tags (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text,
  serial_number integer NOT NULL,
  active boolean NOT NULL DEFAULT true,
  product_id uuid NOT NULL,
  price_tag_id uuid NOT NULL,
  price_book_entry_id uuid,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX catalog_product_price_tags_product_id ON catalog_product_price_tags (tenant_id, product_id);
CREATE INDEX catalog_product_price_tags_price_tag_id ON catalog_product_price_tags (tenant_id, price_tag_id);
CREATE INDEX catalog_product_price_tags_price_book_entry_id ON catalog_product_price_tags (tenant_id, price_book_entry_id);

CREATE TABLE catalog_option_price_tags (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text,
  serial_number integer NOT NULL,
  active boolean NOT NULL DEFAULT true,
  product_option_id uuid NOT NULL,
  price_tag_id uuid NOT NULL,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX catalog_option_price_tags_product_option_id ON catalog_option_price_tags (tenant_id, product_option_id);
CREATE INDEX catalog_option_price_tags_price_tag_id ON catalog_option_price_tags (tenant_id, price_tag_id);

CREATE TABLE catalog_feature_price_tags (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text,
  serial_number integer NOT NULL,
  active boolean NOT NULL DEFAULT true,
  feature_id uuid NOT NULL,
  price_tag_id uuid NOT NULL,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX catalog_feature_price_tags_feature_id ON catalog_feature_price_tags (tenant_id, feature_id);
CREATE INDEX catalog_feature_price_tags_price_tag_id ON catalog_feature_price_tags (tenant_id, price_tag_id);

CREATE TABLE catalog_credit_types (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  description text,
  active boolean NOT NULL DEFAULT true,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE catalog_credit_pools (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  description text,
  credit_type_id uuid NOT NULL,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX catalog_credit_pools_credit_type_id ON catalog_credit_pools (tenant_id, credit_type_id);

CREATE TABLE catalog_credit_conversions (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  credit_type_id uuid NOT NULL,
  uom_quantity_dimension text,
  uom_quantity numeric NOT NULL,
  credit_quantity numeric NOT NULL,
  conversion_rate numeric,
  decimal_scale integer NOT NULL DEFAULT 0,
  rounding_mode text NOT NULL DEFAULT 'Up',
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX catalog_credit_conversions_credit_type_id ON catalog_credit_conversions (tenant_id, credit_type_id);

CREATE TABLE catalog_bundle_suites (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  status text NOT NULL DEFAULT 'Draft',
  start_date date,
  end_date date,
  publish_status text NOT NULL DEFAULT 'Unpublished',
  last_published_by_id text,
  last_published_date timestamptz,
  price_book_id uuid,
  uom_id uuid,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX catalog_bundle_suites_price_book_id ON catalog_bundle_suites (tenant_id, price_book_id);
CREATE INDEX catalog_bundle_suites_uom_id ON catalog_bundle_suites (tenant_id, uom_id);

CREATE TABLE catalog_bundle_suite_bundles (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text,
  popular boolean NOT NULL DEFAULT false,
  sort_order integer,
  bundle_suite_id uuid NOT NULL,
  product_id uuid NOT NULL,
  custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX catalog_bundle_suite_bundles_bundle_suite_id ON catalog_bundle_suite_bundles (tenant_id, bundle_suite_id);
CREATE INDEX catalog_bundle_suite_bundles_product_id ON catalog_bundle_suite_bundles (tenant_id, product_id);

-- References lead with tenant_id; parts of a parent go with it, anything else refuses the delete.
ALTER TABLE catalog_products ADD CONSTRAINT catalog_products_reference_product_id_fkey FOREIGN KEY (tenant_id, reference_product_id) REFERENCES catalog_products (tenant_id, id);
ALTER TABLE catalog_products ADD CONSTRAINT catalog_products_uom_id_fkey FOREIGN KEY (tenant_id, uom_id) REFERENCES catalog_uoms (tenant_id, id);
ALTER TABLE catalog_products ADD CONSTRAINT catalog_products_price_book_id_fkey FOREIGN KEY (tenant_id, price_book_id) REFERENCES catalog_price_books (tenant_id, id);
ALTER TABLE catalog_products ADD CONSTRAINT catalog_products_credit_conversion_id_fkey FOREIGN KEY (tenant_id, credit_conversion_id) REFERENCES catalog_credit_conversions (tenant_id, id);
ALTER TABLE catalog_product_features ADD CONSTRAINT catalog_product_features_feature_id_fkey FOREIGN KEY (tenant_id, feature_id) REFERENCES catalog_features (tenant_id, id);
ALTER TABLE catalog_product_features ADD CONSTRAINT catalog_product_features_configured_product_id_fkey FOREIGN KEY (tenant_id, configured_product_id) REFERENCES catalog_products (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE catalog_product_options ADD CONSTRAINT catalog_product_options_option_product_id_fkey FOREIGN KEY (tenant_id, option_product_id) REFERENCES catalog_products (tenant_id, id);
ALTER TABLE catalog_product_options ADD CONSTRAINT catalog_product_options_configured_product_id_fkey FOREIGN KEY (tenant_id, configured_product_id) REFERENCES catalog_products (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE catalog_product_options ADD CONSTRAINT catalog_product_options_product_feature_id_fkey FOREIGN KEY (tenant_id, product_feature_id) REFERENCES catalog_product_features (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE catalog_product_options ADD CONSTRAINT catalog_product_options_price_book_entry_id_fkey FOREIGN KEY (tenant_id, price_book_entry_id) REFERENCES catalog_price_book_entries (tenant_id, id);
ALTER TABLE catalog_price_book_entries ADD CONSTRAINT catalog_price_book_entries_uom_id_fkey FOREIGN KEY (tenant_id, uom_id) REFERENCES catalog_uoms (tenant_id, id);
ALTER TABLE catalog_price_book_entries ADD CONSTRAINT catalog_price_book_entries_price_book_id_fkey FOREIGN KEY (tenant_id, price_book_id) REFERENCES catalog_price_books (tenant_id, id);
ALTER TABLE catalog_price_book_entries ADD CONSTRAINT catalog_price_book_entries_product_id_fkey FOREIGN KEY (tenant_id, product_id) REFERENCES catalog_products (tenant_id, id);
ALTER TABLE catalog_price_dimensions ADD CONSTRAINT catalog_price_dimensions_price_book_id_fkey FOREIGN KEY (tenant_id, price_book_id) REFERENCES catalog_price_books (tenant_id, id);
ALTER TABLE catalog_price_dimensions ADD CONSTRAINT catalog_price_dimensions_uom_id_fkey FOREIGN KEY (tenant_id, uom_id) REFERENCES catalog_uoms (tenant_id, id);
ALTER TABLE catalog_price_tiers ADD CONSTRAINT catalog_price_tiers_price_dimension_id_fkey FOREIGN KEY (tenant_id, price_dimension_id) REFERENCES catalog_price_dimensions (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE catalog_product_price_tags ADD CONSTRAINT catalog_product_price_tags_product_id_fkey FOREIGN KEY (tenant_id, product_id) REFERENCES catalog_products (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE catalog_product_price_tags ADD CONSTRAINT catalog_product_price_tags_price_tag_id_fkey FOREIGN KEY (tenant_id, price_tag_id) REFERENCES catalog_price_dimensions (tenant_id, id);
ALTER TABLE catalog_product_price_tags ADD CONSTRAINT catalog_product_price_tags_price_book_entry_id_fkey FOREIGN KEY (tenant_id, price_book_entry_id) REFERENCES catalog_price_book_entries (tenant_id, id);
ALTER TABLE catalog_option_price_tags ADD CONSTRAINT catalog_option_price_tags_product_option_id_fkey FOREIGN KEY (tenant_id, product_option_id) REFERENCES catalog_product_options (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE catalog_option_price_tags ADD CONSTRAINT catalog_option_price_tags_price_tag_id_fkey FOREIGN KEY (tenant_id, price_tag_id) REFERENCES catalog_price_dimensions (tenant_id, id);
ALTER TABLE catalog_feature_price_tags ADD CONSTRAINT catalog_feature_price_tags_feature_id_fkey FOREIGN KEY (tenant_id, feature_id) REFERENCES catalog_features (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE catalog_feature_price_tags ADD CONSTRAINT catalog_feature_price_tags_price_tag_id_fkey FOREIGN KEY (tenant_id, price_tag_id) REFERENCES catalog_price_dimensions (tenant_id, id);
ALTER TABLE catalog_credit_pools ADD CONSTRAINT catalog_credit_pools_credit_type_id_fkey FOREIGN KEY (tenant_id, credit_type_id) REFERENCES catalog_credit_types (tenant_id, id);
ALTER TABLE catalog_credit_conversions ADD CONSTRAINT catalog_credit_conversions_credit_type_id_fkey FOREIGN KEY (tenant_id, credit_type_id) REFERENCES catalog_credit_types (tenant_id, id);
ALTER TABLE catalog_bundle_suites ADD CONSTRAINT catalog_bundle_suites_price_book_id_fkey FOREIGN KEY (tenant_id, price_book_id) REFERENCES catalog_price_books (tenant_id, id);
ALTER TABLE catalog_bundle_suites ADD CONSTRAINT catalog_bundle_suites_uom_id_fkey FOREIGN KEY (tenant_id, uom_id) REFERENCES catalog_uoms (tenant_id, id);
ALTER TABLE catalog_bundle_suite_bundles ADD CONSTRAINT catalog_bundle_suite_bundles_bundle_suite_id_fkey FOREIGN KEY (tenant_id, bundle_suite_id) REFERENCES catalog_bundle_suites (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE catalog_bundle_suite_bundles ADD CONSTRAINT catalog_bundle_suite_bundles_product_id_fkey FOREIGN KEY (tenant_id, product_id) REFERENCES catalog_products (tenant_id, id);

CREATE UNIQUE INDEX catalog_products_sku ON catalog_products (tenant_id, sku);
CREATE UNIQUE INDEX catalog_price_dimensions_code ON catalog_price_dimensions (tenant_id, code);
CREATE UNIQUE INDEX catalog_price_book_entries_key ON catalog_price_book_entries
  (tenant_id, price_book_id, product_id, uom_id, currency_iso_code, pricing_attribute_1, pricing_attribute_2,
   pricing_attribute_3, pricing_attribute_4, pricing_attribute_5, pricing_attribute_6, pricing_attribute_7,
   pricing_attribute_8, pricing_attribute_9, pricing_attribute_10) NULLS NOT DISTINCT;

-- Published snapshots: what self-service sees. Immutable once written; a republish replaces the row.
CREATE TABLE catalog_snapshots (
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  kind         text NOT NULL CHECK (kind IN ('Product', 'PriceDimension', 'BundleSuite')),
  source_id    uuid NOT NULL,
  lookup_code  text,                     -- a price tag's code
  data         jsonb NOT NULL,
  published_at timestamptz NOT NULL,
  published_by text,
  PRIMARY KEY (tenant_id, kind, source_id)
);

-- Bumped by every publish, unpublish and self-service toggle: processes compare it to reload.
CREATE TABLE catalog_publish_versions (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  version   bigint NOT NULL
);
