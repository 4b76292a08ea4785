-- A late-arriving order for 2026-04-07: re-running that partition must pick it up.
INSERT INTO raw__orders.orders VALUES (1001, 7, 123.45, TIMESTAMP '2026-04-07 23:59:00');
