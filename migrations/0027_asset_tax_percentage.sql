-- The tax rate of an asset version (DESIGN "Tax", issue 14 property g): the percent its order line,
-- change order or renewal taxed it at. Invoice tax is then cumulative over the contract — a piece
-- [x, y] is taxed round(r·A(y)) − round(r·A(x−1)), A the contract's cumulative amount — so while one
-- rate applies the invoices' tax adds up to the lines' tax. Null: the version's own tax is spread
-- over its months as before (rows written before this migration, Inclusive lines); they are not
-- backfilled, so periods already billed are never corrected by a cent under the new rule.
alter table asset_versions add column tax_percentage numeric;
