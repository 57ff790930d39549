-- Run slots (src/budgets/run-slots.ts) are rows that live as long as a run and expire by themselves.
-- Unlogged, their insert on a chat's path and their delete commit without waiting for a WAL flush
-- (a transaction that wrote no WAL commits asynchronously); other sessions still see a committed row
-- at once, so the per-user cap counts as before. A database crash empties the table (every slot
-- freed), as the rows' expiry would, later.
ALTER TABLE "active_runs" SET UNLOGGED;
