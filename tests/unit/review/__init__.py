"""Tests of the order review rule language."""
