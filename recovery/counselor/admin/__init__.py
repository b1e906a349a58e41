"""The admin child of the counselor workspace (`counselor.admin.*`, under /counselor/admin):
users (invite, switch off and on, unlock), and the audit log page by page and as CSV. Admins
only: everyone else gets a 403 (`routes.admins_only`, declared once for the child).

routes.py the views; forms.py the invitation form and the audit filters; queries.py the users
page's reads; log.py the audit log's reads (filters, pages, CSV) and audit_words.py its plain
words; operations.py the writes, each with its audit event.
"""
