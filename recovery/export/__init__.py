"""Printable PDFs of a relapse-prevention plan: full plan, share-safe handout and wallet card.

`pdf.py` renders with WeasyPrint behind a deny-by-default URL fetcher, `sharesafe.py` strips a
plan down to what may be shown to other people, and `views.py` serves the PDFs.
"""
