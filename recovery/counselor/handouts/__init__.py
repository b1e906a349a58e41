"""The meeting-handouts child of the counselor workspace (`counselor.handouts.*`, under
/counselor/handouts): the share-safe handouts of several clients' plans, chosen by the
counselor, printed as one PDF.

routes.py the views; queries.py the plans that may be listed and printed.
"""
