"""The caseload child of the counselor workspace (`counselor.caseload.*`): the dashboard, the
list of clients with search and pages, adding a client, a client's page (rename, share, stop
sharing, delete) and their history.

routes.py the views; forms.py their forms; queries.py the reads; operations.py the writes.
Every view that touches one client starts from `clients.client_or_404` (own or shared, or 404).
"""
