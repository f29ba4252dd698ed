-- The non-monetary fields PATCH /billing/invoices/{id} writes while Draft or Active (seed 002 C):
-- a description and the payment details printed for the customer.
alter table invoices add column description text, add column payment_details text;
