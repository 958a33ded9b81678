"""One adapter per platform; each registers itself with `channels.registry`."""
