"""parallelbook: publish an aligned Persian–English book as PDF, EPUB and review outputs."""

__version__ = "0.1.0"
