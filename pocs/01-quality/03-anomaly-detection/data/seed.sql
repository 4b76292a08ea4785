-- A normal day: 500 events.
CREATE SCHEMA IF NOT EXISTS raw__events;
CREATE OR REPLACE TABLE raw__events.events AS
SELECT
    i AS event_id,
    1 + (i % 40) AS user_id,
    round(random() * 100, 2) AS value,
    TIMESTAMP '2026-04-01 00:00:00' + to_minutes(i) AS occurred_at
FROM generate_series(1, 500) AS t(i);
