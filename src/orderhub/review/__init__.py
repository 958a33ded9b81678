"""Order review rules: a typed fact schema and a safe compiler for seller-written rules."""
