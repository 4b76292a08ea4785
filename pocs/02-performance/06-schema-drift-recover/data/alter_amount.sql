-- The upstream team changes `amount` to text.
ALTER TABLE raw__orders.orders ALTER COLUMN amount TYPE VARCHAR;
