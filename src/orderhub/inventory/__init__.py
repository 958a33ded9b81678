"""Stock decisions in pure Python: the movement ledger, available-to-promise and presale,
safety-stock alerts and suggestions, and the quantity published to each sales channel.

Standard library only; the database layer loads plain dataclasses, calls these functions and
writes what they decide.
"""
