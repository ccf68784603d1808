"""parallelbook: publish an aligned Persian–English book as PDF, EPUB and review outputs.

The folders are the stages of the pipeline, lowest first; a module imports only
from its own stage or a lower one (tests/test_layering.py keeps it so):

    problems, model, files, cache   the foundation: located problems, the immutable book model,
                                    reading and atomically writing files, the content-addressed cache
    text/       1  Persian orthography, bidi runs, plain text of blocks (pure)
    read/       2  book folder -> validated model: config, pandoc, block pairing, gathering
    review/     3  quality flags, accepted flags, approval, the rows of a book's review
    render/     4  model -> HTML/CSS: views, templates, fonts, cover
    outputs/    5  bytes of each output: pdf/, epub, review edition, TMX/XLIFF
    pipeline    6  the build: gather, render, write
    commands/   7  check, approve, review, export, lint and fix, watch
    cli         8  parse the command line, dispatch, print
"""

__version__ = "0.1.0"
