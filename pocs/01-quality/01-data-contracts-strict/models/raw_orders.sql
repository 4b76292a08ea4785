SELECT order_id, customer_id, amount, order_date
FROM raw__orders.orders
