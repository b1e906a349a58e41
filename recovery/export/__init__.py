"""Printable PDFs of a relapse-prevention plan: full plan, share-safe handout and wallet card.

`pdf.py` renders with WeasyPrint behind a deny-by-default URL fetcher, `sharesafe.py` strips a
plan down to what may be shown to other people, and `views.py` serves the PDFs.
"""

from recovery import system_libraries

# Before pdf.py imports WeasyPrint, which loads them: a missing one is named with its package.
system_libraries.require()
