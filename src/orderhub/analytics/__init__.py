"""Read-only reports over orders, stock, reviews and fulfilment."""
