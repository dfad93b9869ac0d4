-- Rupture detector rule version 3 (issue 11). A calibration stores the prediction model it fitted and how; an alert
-- stores its prediction SD, its threshold in prediction SDs and the calibration method, so it stays explainable after
-- any later refit. Rows from before stay null: old calibrations are read through the null-model fallback, old alerts
-- keep the evidence they were raised with.
ALTER TABLE calibrations
    ADD COLUMN method character varying(32),
    ADD COLUMN noise_sd double precision,
    ADD COLUMN phi double precision,
    ADD COLUMN level_mean double precision,
    ADD COLUMN level_sd double precision,
    ADD COLUMN slope_mean double precision,
    ADD COLUMN slope_sd double precision,
    ADD COLUMN null_center double precision,
    ADD COLUMN null_scale double precision,
    ADD COLUMN judged_share double precision;

ALTER TABLE alerts
    ADD COLUMN prediction_sd double precision,
    ADD COLUMN threshold_sds double precision,
    ADD COLUMN method character varying(32);

-- The old default thresholds (K 2.8, SustainedK 2.25 within-patient SDs) mean nothing to rule version 3: a clinic
-- that still has them follows the false-alert budget instead. A K set by hand to another value stays set by hand.
UPDATE clinic_settings
SET detector = detector - 'K' - 'SustainedK'
WHERE detector ->> 'K' = '2.8' AND detector ->> 'SustainedK' = '2.25';
