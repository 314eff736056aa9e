-- A tell's answer is kept in the row of the trial it finished, not in a row of its own: the tell
-- writes that row anyway, and a retry names its trial, so it is found by the trial's key. On the
-- embedded database a row of the request table was three B-trees to write per tell (the hidden row
-- key, the id's index, request_created). told_request is the tell's request id, told_answer what
-- the request table's answer column held for it (JSON). Answers stored before this version stay in
-- the request table and still answer.
ALTER TABLE trial ADD COLUMN told_request VARCHAR(64);
ALTER TABLE trial ADD COLUMN told_answer ${text};
