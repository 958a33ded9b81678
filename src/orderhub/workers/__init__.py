"""Background work: periodic channel pulls (and later tracking polls, anomaly scans, outbox)."""
