-- 1,000 events, one a minute from 2026-04-01 00:01.
CREATE SCHEMA IF NOT EXISTS raw__events;
CREATE OR REPLACE TABLE raw__events.events AS
SELECT
    i AS event_id,
    1 + (i % 30) AS user_id,
    ['view', 'click', 'purchase'][1 + (i % 3)] AS event_type,
    TIMESTAMP '2026-04-01 00:00:00' + to_minutes(i) AS occurred_at
FROM generate_series(1, 1000) AS t(i);
