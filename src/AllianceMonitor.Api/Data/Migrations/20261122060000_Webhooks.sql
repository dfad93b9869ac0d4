-- Webhooks: subscriptions, the transactional outbox and the delivery log. Written from the EF model
-- (GenerateCreateScript) and reviewed; references only clinics, so it applies with or without other features.
CREATE TABLE webhook_subscriptions (
    id uuid NOT NULL,
    clinic_id uuid NOT NULL,
    url character varying(2000) NOT NULL,
    events text[] NOT NULL,
    secret character varying(64) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_webhook_subscriptions PRIMARY KEY (id),
    CONSTRAINT fk_webhook_subscriptions_clinics_clinic_id FOREIGN KEY (clinic_id) REFERENCES clinics (id) ON DELETE CASCADE
);

CREATE TABLE webhook_outbox (
    id uuid NOT NULL,
    clinic_id uuid NOT NULL,
    type character varying(64) NOT NULL,
    body text NOT NULL,
    subscription_id uuid,
    created_at timestamp with time zone NOT NULL,
    dispatched_at timestamp with time zone,
    CONSTRAINT pk_webhook_outbox PRIMARY KEY (id),
    CONSTRAINT fk_webhook_outbox_clinics_clinic_id FOREIGN KEY (clinic_id) REFERENCES clinics (id) ON DELETE CASCADE,
    CONSTRAINT fk_webhook_outbox_webhook_subscriptions_subscription_id FOREIGN KEY (subscription_id) REFERENCES webhook_subscriptions (id) ON DELETE CASCADE
);

CREATE TABLE webhook_deliveries (
    id uuid NOT NULL,
    subscription_id uuid NOT NULL,
    event_id uuid NOT NULL,
    status character varying(16) NOT NULL,
    attempts integer NOT NULL,
    next_attempt_at timestamp with time zone,
    last_attempt_at timestamp with time zone,
    last_status_code integer,
    last_error character varying(32),
    created_at timestamp with time zone NOT NULL,
    completed_at timestamp with time zone,
    CONSTRAINT pk_webhook_deliveries PRIMARY KEY (id),
    CONSTRAINT ck_webhook_deliveries_status CHECK (status IN ('pending', 'delivered', 'failed')),
    CONSTRAINT fk_webhook_deliveries_webhook_outbox_event_id FOREIGN KEY (event_id) REFERENCES webhook_outbox (id) ON DELETE CASCADE,
    CONSTRAINT fk_webhook_deliveries_webhook_subscriptions_subscription_id FOREIGN KEY (subscription_id) REFERENCES webhook_subscriptions (id) ON DELETE CASCADE
);

CREATE INDEX ix_webhook_subscriptions_clinic_id ON webhook_subscriptions (clinic_id);

CREATE INDEX ix_webhook_outbox_clinic_id ON webhook_outbox (clinic_id);

CREATE INDEX ix_webhook_outbox_subscription_id ON webhook_outbox (subscription_id);

CREATE INDEX ix_webhook_outbox_undispatched ON webhook_outbox (created_at) WHERE dispatched_at IS NULL;

CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';

CREATE INDEX ix_webhook_deliveries_event_id ON webhook_deliveries (event_id);

CREATE INDEX ix_webhook_deliveries_subscription_id_created_at ON webhook_deliveries (subscription_id, created_at);

CREATE UNIQUE INDEX ix_webhook_deliveries_subscription_id_event_id ON webhook_deliveries (subscription_id, event_id);
