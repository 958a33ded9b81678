"""Order review: built-in exception checks and seller-written rules over order facts."""
