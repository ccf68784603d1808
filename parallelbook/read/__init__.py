"""Stage 2, reading: a book folder becomes one validated, immutable model.

The configuration (book.toml), pandoc's reading of every chapter, the pairing
of each chapter's blocks with its translation's (with Gale–Church diagnostics
where they part) and the gathering of it all into model.Book.
"""
