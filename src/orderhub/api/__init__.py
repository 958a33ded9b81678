"""HTTP API (`/api/v1`), built on FastAPI; routes call services, never SQL directly."""
