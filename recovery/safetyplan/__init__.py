"""The safety plan as a feature of its own: one short step per page, kept in the person's
session until they save it under a private link; its page, PDF and deletion. The steps are
seeds/safety_plan.yaml's; the draft is recovery.planning.safety."""
