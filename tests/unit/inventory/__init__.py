"""Tests of the inventory decisions."""
