"""The PDF, in one place: layout of each chapter with WeasyPrint (layout.py), the
pieces laid out in parallel and cached (jobs.py), and their assembly into one
file with outline, page labels and metadata (assembly.py).
"""
