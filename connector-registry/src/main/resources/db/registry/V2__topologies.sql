-- Sentinel and Cluster settings, a custom CA for TLS, sentinel credentials and TLS client certificates.
ALTER TABLE redis_service ADD COLUMN master_name VARCHAR(255);
ALTER TABLE redis_service ADD COLUMN nodes VARCHAR(4000);
ALTER TABLE redis_service ADD COLUMN tls_ca_pem VARCHAR(65000);
ALTER TABLE redis_credentials ADD COLUMN sentinel_username VARCHAR(255);
ALTER TABLE redis_credentials ADD COLUMN sentinel_password_ciphertext VARCHAR(4096);
ALTER TABLE redis_credentials ADD COLUMN client_cert_pem VARCHAR(65000);
ALTER TABLE redis_credentials ADD COLUMN client_key_ciphertext VARCHAR(65000);
