-- What started a refit is a fixed vocabulary, like the alert and measurement columns. The demo seeder wrote its
-- refits as 'demo seed'; no other writer ever stored anything but 'auto' and 'manual'.
UPDATE calibrations SET trigger = 'demo_seed' WHERE trigger = 'demo seed';
ALTER TABLE calibrations ADD CONSTRAINT ck_calibrations_trigger CHECK (trigger IN ('auto', 'manual', 'demo_seed'));
