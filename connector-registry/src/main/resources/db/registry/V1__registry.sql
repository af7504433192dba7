-- Redis services, one per client; credentials stored apart and encrypted; session token hashes.
-- Written to run unchanged on H2 and PostgreSQL.

CREATE TABLE redis_service (
    client_id           VARCHAR(128)  NOT NULL PRIMARY KEY,
    service_id          VARCHAR(36)   NOT NULL,
    version             BIGINT        NOT NULL,
    mode                VARCHAR(16)   NOT NULL,
    host                VARCHAR(255)  NOT NULL,
    port                INTEGER       NOT NULL,
    database_index      INTEGER       NOT NULL,
    tls_enabled         BOOLEAN       NOT NULL,
    tls_verify_hostname BOOLEAN       NOT NULL,
    connect_timeout_ms  INTEGER,
    command_timeout_ms  INTEGER,
    topology            VARCHAR(8000),
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE redis_credentials (
    client_id           VARCHAR(128)  NOT NULL PRIMARY KEY,
    kind                VARCHAR(16)   NOT NULL,
    username            VARCHAR(255),
    password_ciphertext VARCHAR(4096),
    key_id              VARCHAR(64),
    version             BIGINT        NOT NULL,
    set_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT fk_credentials_service FOREIGN KEY (client_id) REFERENCES redis_service (client_id) ON DELETE CASCADE
);

CREATE TABLE connector_session (
    token_hash  VARCHAR(64)  NOT NULL PRIMARY KEY,
    session_id  VARCHAR(36)  NOT NULL,
    user_id     VARCHAR(255) NOT NULL,
    client_id   VARCHAR(128) NOT NULL,
    read_only   BOOLEAN      NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT uq_session_id UNIQUE (session_id)
);

CREATE INDEX idx_session_client ON connector_session (client_id);
