-- The refit model of an experiment's finalization, one per experiment at most, kept apart from
-- the winner trial's own model (table model), which stays as the search stored it. A refit model
-- stored before this version sits in the winner's model row, where it was written.
CREATE TABLE finalization_model (
    experiment_id   BIGINT PRIMARY KEY REFERENCES experiment(id),
    content         ${bytes} NOT NULL,
    stored_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
