SELECT
    date_trunc('day', order_date) AS order_date,
    count(*) AS order_count,
    sum(amount) AS revenue,
    count(DISTINCT customer_id) AS customers
FROM staging__orders.orders
WHERE order_date >= @start_date AND order_date < @end_date
GROUP BY 1
