-- Secrets at rest (issue 12, finding 9). Webhook signing secrets and research keys are stored encrypted with the
-- data-protection key ring (data_protection_keys). SQL cannot encrypt, so this migration only makes room: the columns
-- are renamed to say what they will hold and widened for the protected form, and a webhook gets the fields of a
-- rotation overlap. The rows written in clear by earlier versions are encrypted by the service itself right after
-- migrating and at every start (Hosting/SecretsAtRest.cs), so no clear secret remains once an upgraded instance ran.
ALTER TABLE webhook_subscriptions RENAME COLUMN secret TO protected_secret;
ALTER TABLE webhook_subscriptions
    ALTER COLUMN protected_secret TYPE character varying(512),
    ADD COLUMN previous_protected_secret character varying(512),
    ADD COLUMN previous_secret_expires_at timestamp with time zone;

ALTER TABLE research_keys RENAME COLUMN key TO protected_key;
