-- The incident: an upstream job truncated the table to a handful of rows.
CREATE SCHEMA IF NOT EXISTS raw__events;
CREATE OR REPLACE TABLE raw__events.events AS
SELECT
    i AS event_id,
    1 + (i % 40) AS user_id,
    round(random() * 100, 2) AS value,
    TIMESTAMP '2026-04-01 00:00:00' + to_minutes(i) AS occurred_at
FROM generate_series(1, 5) AS t(i);
