SELECT order_id, customer_id, amount
FROM raw_orders
WHERE amount > 0
