"""Printable PDFs of a relapse-prevention plan (full plan, share-safe handout and wallet card),
and of a client's screening for the clinic's record.

- `layouts.py`: what each PDF holds (pure: the full plan's cut, the share-safe printouts), from
  the plan and the `Content` passed in;
- `sharesafe.py`: a plan stripped down to what may be shown to other people;
- `masking.py`: the lexicon's masking (seeds/lexicon.yaml), linear in the text;
- `printout.py`: the handout and wallet card as whole masked items, and which of them fit;
- `measure.py`: what fits, read from WeasyPrint's laid-out boxes;
- `budget.py`: what one PDF may cost, whatever the plan holds;
- `fetcher.py`: the deny-by-default URL fetcher (only the app's static files);
- `renderer.py`: WeasyPrint behind that fetcher, with cached stylesheets and fonts;
- `views.py`: the PDF download and the preview before a share-safe printout, on the plan pages
  (recovery.plans.pages).
- `record.py`: a client's saved screening as a PDF record for the clinic (at most two pages),
  through the same renderer.
"""

from recovery import system_libraries

# Before renderer.py imports WeasyPrint, which loads them: a missing one is named with its
# package.
system_libraries.require()
