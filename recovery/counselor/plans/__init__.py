"""The client-plans child of the counselor workspace: a client's relapse-prevention plans.

The pages themselves are the plan builder's (recovery/plans/pages.py), nested in the workspace
as `counselor.client_plans` at /counselor/clients/<id>/plans/<plan_id>; mount.py is what
differs from the private link (`ClientPlans`: access, audit, where a deletion leads). Plans are
made from a saved screening (screenings/routes.py `make_plan`).
"""
