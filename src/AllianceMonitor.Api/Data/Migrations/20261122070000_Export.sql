-- Research export: the export log (who, when, filters, row count) and each clinic's research key for linkable
-- pseudonyms. Written by hand to match the EF model; Platform/SchemaTests compares the two.
CREATE TABLE export_log (
    id uuid NOT NULL,
    clinic_id uuid NOT NULL,
    api_key_id uuid NOT NULL,
    format character varying(8) NOT NULL,
    filters jsonb NOT NULL,
    linkable boolean NOT NULL,
    started_at timestamp with time zone NOT NULL,
    completed_at timestamp with time zone,
    status character varying(16) NOT NULL,
    row_count bigint,
    CONSTRAINT pk_export_log PRIMARY KEY (id)
);

CREATE INDEX ix_export_log_clinic_id_started_at ON export_log (clinic_id, started_at);

CREATE TABLE research_keys (
    clinic_id uuid NOT NULL,
    key bytea NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_research_keys PRIMARY KEY (clinic_id),
    CONSTRAINT fk_research_keys_clinics_clinic_id FOREIGN KEY (clinic_id) REFERENCES clinics (id) ON DELETE CASCADE
);
