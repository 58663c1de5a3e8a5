-- 0003: reserved for the task metadata migration (#8), developed on another branch. Migrations
-- must be numbered without gaps, so this branch carries an empty placeholder; at merge, the
-- metadata migration replaces this file.
SELECT 1;
