-- 100,000 patients x 10 sessions = 1,000,000 patient-sessions of one clinic, each with a WAI-SR and a PHQ-9 in force,
-- written straight into the tables (the API would take hours). Values are random, not realistic: this measures speed.
\set ON_ERROR_STOP on
CREATE TEMP TABLE bench_therapists AS
  SELECT gen_random_uuid() AS id, g AS rn FROM generate_series(0, 3999) g;
INSERT INTO therapists (id, clinic_id, external_id) SELECT id, :'clinic', 'bt-' || rn FROM bench_therapists;
INSERT INTO patients (id, clinic_id, external_id, therapist_id, created_at)
  SELECT gen_random_uuid(), :'clinic', 'bp-' || g, t.id, now()
  FROM generate_series(1, :patients) g JOIN bench_therapists t ON t.rn = g % 4000;
INSERT INTO sessions (id, patient_id, number, occurred_on, modality, therapist_id, created_at, updated_at)
  SELECT gen_random_uuid(), p.id, n, date '2025-01-01' + n * 7 + (abs(hashtext(p.id::text)) % 300),
         (ARRAY['video', 'phone', 'in_person'])[1 + abs(hashtext(p.id::text)) % 3], p.therapist_id, now(), now()
  FROM patients p CROSS JOIN generate_series(1, :sessions) n WHERE p.clinic_id = :'clinic';
INSERT INTO measurements (session_id, patient_id, session_number, instrument, rater, timing, revision, items, total, subscales, band, received_at)
  SELECT s.id, s.patient_id, s.number, 'wai-sr', 'client', 'post', 1, NULL, round((1 + random() * 4) * 12) / 12,
         jsonb_build_object('task', round((1 + random() * 4) * 4) / 4, 'goal', round((1 + random() * 4) * 4) / 4, 'bond', round((1 + random() * 4) * 4) / 4),
         NULL, now()
  FROM sessions s JOIN patients p ON p.id = s.patient_id WHERE p.clinic_id = :'clinic';
INSERT INTO measurements (session_id, patient_id, session_number, instrument, rater, timing, revision, items, total, subscales, band, received_at)
  SELECT s.id, s.patient_id, s.number, 'phq-9', 'client', 'pre', 1, NULL, floor(random() * 28), '{}'::jsonb, NULL, now()
  FROM sessions s JOIN patients p ON p.id = s.patient_id WHERE p.clinic_id = :'clinic';
ANALYZE;
