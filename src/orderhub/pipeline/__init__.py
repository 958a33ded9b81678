"""The order pipeline: stages that run over batches (clean → review → allocate …), re-runnable."""
