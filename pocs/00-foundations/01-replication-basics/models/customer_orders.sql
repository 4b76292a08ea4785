SELECT
    customer_id,
    sum(amount) AS total_revenue,
    count(*) AS order_count,
    min(order_date) AS first_order
FROM raw_orders
GROUP BY customer_id
