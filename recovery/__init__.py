"""Addiction-risk screening and recovery planner.

`create_app` reads like a table of contents: configuration, extensions, content, blueprints.

Everything web is imported inside the functions below, not at the top of this file: importing
one of the pure packages (`recovery.screening.engine`, say) must not load Flask, WTForms,
SQLModel or WeasyPrint, and no blueprint may depend on having been imported before another.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> "Flask":
    """Build the app: defaults, then instance/config.py, then RECOVERY_* variables."""
    from recovery import (
        cli,
        config,
        db,
        errors,
        logs,
        routing,
        security,
        seeds,
        startup,
        templating,
    )

    app = logs.RecoveryFlask(__name__, instance_relative_config=True,
                             template_folder="../templates", static_folder="../static")
    with startup.refusing_to_start_on_bad_settings():
        config.load_config(app, test_config)
        logs.init_app(app)
        db.init_app(app)
    seeds.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    routing.init_app(app, app.extensions[seeds.EXTENSION_KEY])
    register_blueprints(app)
    cli.init_app(app)
    return app


def register_blueprints(app: "Flask") -> None:
    """Every page. The questionnaire flow and the plan pages are each one blueprint mounted
    twice: for the person themselves, and under a client in the counselor workspace."""
    from recovery import health, security, site
    from recovery.counselor import workspace
    from recovery.plans import pages as plan_pages
    from recovery.plans import views as plans_views
    from recovery.questionnaire import flow
    from recovery.questionnaire import views as questionnaire_views
    from recovery.questionnaire.mounts import SelfScreening
    from recovery.safetyplan import routes as safety_plan

    security.limit_blueprints(submissions=plans_views.bp)
    security.limit_blueprints(submissions=safety_plan.bp)
    app.register_blueprint(site.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(questionnaire_views.bp)
    app.register_blueprint(flow.bp, name="screening", url_prefix="/screening",
                           mount=SelfScreening())
    app.register_blueprint(plans_views.bp)
    app.register_blueprint(safety_plan.bp)
    # The flow and the plan pages again, as children of the workspace (its guard, its mounts).
    workspace.register_counselor(app, screening_flow=flow.bp, plan_pages=plan_pages.bp)
