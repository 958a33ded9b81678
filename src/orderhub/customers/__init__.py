"""Customers: one buyer recognised across channels, their profile and grade."""
