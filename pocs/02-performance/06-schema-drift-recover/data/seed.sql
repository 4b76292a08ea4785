CREATE SCHEMA IF NOT EXISTS raw__orders;
CREATE OR REPLACE TABLE raw__orders.orders AS
SELECT
    i AS order_id,
    1 + (i % 25) AS customer_id,
    round(5 + random() * 495, 2)::DECIMAL(10, 2) AS amount,
    TIMESTAMP '2026-04-01 00:00:00' + to_minutes(i) AS updated_at
FROM generate_series(1, 300) AS t(i);
