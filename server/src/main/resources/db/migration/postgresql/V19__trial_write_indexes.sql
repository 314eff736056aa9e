-- Nothing to change here (see h2/V19): PostgreSQL builds no index for a foreign key, and its
-- coordinators read trial_revision to catch up on each other's writes.
SELECT 1;
