SELECT event_date, count(*) AS events, count(DISTINCT user_id) AS users
FROM seeds.events
GROUP BY event_date
