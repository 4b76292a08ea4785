-- Breaks its contract three ways: customer_id is gone (required and
-- protected), and order_id may be NULL (the contract says non-nullable).
SELECT
    CAST(NULL AS BIGINT) AS order_id,
    sum(amount) AS amount
FROM raw_orders
