"""Platform simulators on 127.0.0.1 for tests and demos: real formats, real signatures, real failures."""
