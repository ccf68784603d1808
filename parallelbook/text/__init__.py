"""Stage 1, text: what is written, independent of any book.

Persian orthography (normalisation, lint findings and the curated word lists
in data/), the bidi runs of mixed-direction text, and the plain text of the
model's blocks.  Pure functions; nothing here reads a book or writes a file.
"""
