-- `:pay` with a paymentMethod charges through the collection path (DESIGN §3 Roles and money): its
-- attempts say so.
ALTER TABLE collection_attempts DROP CONSTRAINT collection_attempts_trigger_check;
ALTER TABLE collection_attempts ADD CONSTRAINT collection_attempts_trigger_check CHECK (trigger IN ('Activation', 'Retry', 'Transfer', 'Replan', 'Pay'));
