-- Free trials (DESIGN "Provisioning and billing kind"): a line of a product with a free trial is free
-- to its trial end date; its paid term, and its billing, start the day after.
ALTER TABLE order_products ADD COLUMN free_trial_end_date date;
ALTER TABLE asset_versions ADD COLUMN free_trial_end_date date;
