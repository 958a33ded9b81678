"""Normalisation of receiver data: addresses, phones, spec aliases, international checks."""
