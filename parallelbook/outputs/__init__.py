"""Stage 5, outputs: rendered views become the bytes of each output file.

The PDF (pdf/: layout with WeasyPrint, per-chapter pieces in worker processes,
assembly), the EPUB, the review edition and the TMX/XLIFF exchange files.
Nothing here writes a file; the pipeline and the commands do.
"""
