"""Stage 3, review: what a translation's pairs say about its quality and approval.

The numbers a text states, the quality flags of a pair, the flags a reviewer
accepted (review.toml), the approval lock and its comparison, and the rows of
a book's review that `check` prints and the review outputs render.
"""
