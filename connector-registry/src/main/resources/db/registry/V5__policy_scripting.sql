-- Whether a service's policy lets scripts and functions run (only once the Redis user's ACL is verified to confine them).
ALTER TABLE redis_service ADD COLUMN policy_scripting BOOLEAN DEFAULT FALSE;
