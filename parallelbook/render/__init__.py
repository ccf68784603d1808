"""Stage 4, rendering: the model as HTML and CSS through Jinja2, with the book's faces.

The chapter views shared by the PDF and the EPUB, inline HTML with bidi
isolation, the templates (templates/, overridable per book), the typefaces
(the bundled Vazirmatn in fonts/) and the EPUB cover image.
"""
