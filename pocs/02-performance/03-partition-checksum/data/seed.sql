-- 1,000 orders spread over 2026-04-01 .. 2026-04-10, 100 a day.
CREATE SCHEMA IF NOT EXISTS raw__orders;
CREATE OR REPLACE TABLE raw__orders.orders AS
SELECT
    i AS order_id,
    1 + (i % 40) AS customer_id,
    round(5 + random() * 495, 2)::DECIMAL(10, 2) AS amount,
    TIMESTAMP '2026-04-01 00:00:00' + to_days(CAST(i % 10 AS INTEGER)) + to_minutes(i) AS order_date
FROM generate_series(1, 1000) AS t(i);
