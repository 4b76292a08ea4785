SELECT order_id, customer_id, amount, order_date
FROM seeds.orders
