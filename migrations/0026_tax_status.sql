-- Tax status (DESIGN "Tax"): how an order's and each line's tax came about, so a tax of 0 is never
-- silent. Calculated, NotCalculated (calculateTax false), AddressMissing (the tenant has rates but no
-- address resolves), NoRate (an address resolves but no rate matches). Invoices have tax_status (0009).
alter table orders add column tax_status text not null default 'Calculated';
alter table order_products add column tax_status text not null default 'Calculated';
