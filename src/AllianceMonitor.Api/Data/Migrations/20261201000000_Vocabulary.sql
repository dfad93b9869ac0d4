-- The fixed vocabularies (enums in the code, stored by their snake_case names) are checked by the database as well,
-- so a row written by psql, a script or a future bug cannot hold a value the service cannot read back.
-- The lists are the enums' stored names at the time of writing; adding a member needs a new migration (the
-- schema-drift test compares these constraints with the ones the model builds from the enums).
ALTER TABLE alerts
    ADD CONSTRAINT ck_alerts_rater CHECK (rater IN ('client', 'therapist', 'observer')),
    ADD CONSTRAINT ck_alerts_kind CHECK (kind IN ('rupture', 'low_alliance')),
    ADD CONSTRAINT ck_alerts_status CHECK (status IN ('open', 'acknowledged', 'resolved', 'withdrawn')),
    ADD CONSTRAINT ck_alerts_rupture_status CHECK (rupture_status IN ('open', 'repaired', 'unrepaired'));

ALTER TABLE measurements
    ADD CONSTRAINT ck_measurements_rater CHECK (rater IN ('client', 'therapist', 'observer')),
    ADD CONSTRAINT ck_measurements_timing CHECK (timing IN ('pre', 'post'));

ALTER TABLE calibrations
    ADD CONSTRAINT ck_calibrations_rater CHECK (rater IN ('client', 'therapist', 'observer'));
