-- 1,000 orders from 50 customers over ten days. Amounts are random, so the
-- values differ between seedings while the row counts do not.
CREATE SCHEMA IF NOT EXISTS raw__orders;
CREATE OR REPLACE TABLE raw__orders.orders AS
SELECT
    i AS order_id,
    1 + (i % 50) AS customer_id,
    round(5 + random() * 495, 2)::DECIMAL(10, 2) AS amount,
    DATE '2026-04-01' + CAST(i % 10 AS INTEGER) AS order_date,
    TIMESTAMP '2026-04-10 00:00:00' + to_minutes(i) AS _updated_at
FROM generate_series(1, 1000) AS t(i);
