-- What a browser reads first of a large experiment, stored beside its catalog summary at the same
-- revision: the experiment (JSON), and the leaderboard's first page (JSON) by value in both orders
-- (the web UI asks for the ascending one before it knows the experiment's direction, and then for
-- the descending one when it maximizes) with how many trials the whole list holds. A server that has not loaded the experiment answers those two reads from here
-- while the revision has not moved and it runs the build that wrote them (first_reads_build: another
-- build may write its answers differently), instead of reading every trial first. Null for an
-- experiment whose summary was stored without them (a small one, or one stored before this version).
ALTER TABLE experiment_summary ADD COLUMN first_reads_build VARCHAR(64);
ALTER TABLE experiment_summary ADD COLUMN experiment_json ${text};
ALTER TABLE experiment_summary ADD COLUMN first_page_asc_json ${text};
ALTER TABLE experiment_summary ADD COLUMN first_page_desc_json ${text};
ALTER TABLE experiment_summary ADD COLUMN first_page_total INT;
