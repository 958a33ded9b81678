"""Orders: the canonical order, its lifecycle state machine and the services that change it."""
