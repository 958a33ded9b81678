"""Demo shop: a reproducible, realistic data set loaded through the real ingest path."""
