"""The screenings child of the counselor workspace: recording a screening with a client, and
what is done with it afterwards.

- Recording: the questionnaire flow itself (recovery/questionnaire/flow.py), nested in the
  workspace as `counselor.client_screening` at /counselor/clients/<id>/screenings/new, with
  `ClientScreeningMount` (mount.py) as what differs from the self-screening. Answers in progress
  live in the counselor's encrypted session cookie, for one client at a time, and reach the
  database only when the counselor saves.
- A saved screening (`counselor.screenings.*`, routes.py): read it (every answer too), its
  notes, the counselor's own choice of path, a plan made from it (following that choice), its
  record as a PDF for the clinic's file, deleting it.

routes.py the views; mount.py the flow's counselor mount; forms.py the notes and path forms;
queries.py the reads; operations.py the writes; record.py gathers the record and the answers in
words. Every view starts from `clients.client_or_404`
(own or shared, or 404); every read, change and deletion is audited in the same commit.
"""
