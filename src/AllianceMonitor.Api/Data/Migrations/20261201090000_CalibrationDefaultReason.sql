-- Why a calibration stands on the documented defaults (too few patients, or a model that could not be fitted), so a
-- clinic reading its calibrations sees the reason instead of an unexplained fallback. Null for a fitted calibration.
ALTER TABLE calibrations ADD COLUMN default_reason character varying(300);
