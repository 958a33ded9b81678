"""Static reference data for allocation (kept as Python literals so it ships with the package)."""
