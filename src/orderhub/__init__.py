"""OrderHub (汇单): open-source order management for multi-channel e-commerce sellers."""

__version__ = "0.1.0"
