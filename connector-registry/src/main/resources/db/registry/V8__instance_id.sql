-- Which instance (RC_INSTANCE_ID) wrote each audit chunk, so one trail shows the entries of every instance.
ALTER TABLE audit_chunk ADD COLUMN instance_id VARCHAR(128);
