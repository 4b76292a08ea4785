-- 250 newer events: the second run copies exactly these.
INSERT INTO raw__events.events
SELECT
    i AS event_id,
    1 + (i % 30) AS user_id,
    ['view', 'click', 'purchase'][1 + (i % 3)] AS event_type,
    TIMESTAMP '2026-04-01 00:00:00' + to_minutes(i) AS occurred_at
FROM generate_series(1001, 1250) AS t(i);
