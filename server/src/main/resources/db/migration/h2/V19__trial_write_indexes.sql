-- The embedded database's trial table had two indexes that every trial's insert and every tell
-- wrote and nothing on it reads: the one H2 builds for the foreign key to experiment (an index of
-- exactly that column, since H2 does not reuse trial_number's, which begins with it), and
-- trial_revision, which only PostgreSQL's coordinators read to catch up on each other's writes.
-- The foreign key goes with its index: an embedded database has one coordinator, which inserts a
-- trial only into an experiment it holds, and experiments are never deleted. The constraint's
-- name is the one H2 gave it in V1 (its first script, the same in every data directory).
ALTER TABLE trial DROP CONSTRAINT IF EXISTS CONSTRAINT_4C;
DROP INDEX IF EXISTS trial_revision;
