"""Tests of order review."""
