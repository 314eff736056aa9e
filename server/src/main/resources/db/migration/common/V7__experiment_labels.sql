-- An experiment's tags, notes and archived flag, as one JSON document.
ALTER TABLE experiment ADD COLUMN labels ${text};
