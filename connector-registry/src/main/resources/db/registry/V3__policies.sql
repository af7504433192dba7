-- Per-service command policy: mode, allow and deny rules, key namespace (newline-separated lists).
ALTER TABLE redis_service ADD COLUMN policy_mode VARCHAR(16);
ALTER TABLE redis_service ADD COLUMN policy_allow VARCHAR(16000);
ALTER TABLE redis_service ADD COLUMN policy_deny VARCHAR(16000);
ALTER TABLE redis_service ADD COLUMN key_prefixes VARCHAR(32000);
