"""The URL converters (recovery/routing.py): what each matches, and that every rule gets them
whatever order the blueprints are registered in."""

import pytest
from flask import Blueprint, Flask

from recovery import register_blueprints, routing
from recovery.seeds import EXTENSION_KEY


def converters_by_rule(app: Flask) -> dict[str, dict[str, tuple[str, str]]]:
    """Each rule's converters, as (class name, regex): the step converter is made per app."""
    return {rule.rule: {name: (type(conv).__name__, conv.regex)
                        for name, conv in rule._converters.items()}
            for rule in app.url_map.iter_rules()}


def test_int_accepts_what_an_integer_column_holds_and_nothing_bigger(app: Flask) -> None:
    adapter = app.url_map.bind("localhost")
    assert adapter.match(f"/counselor/clients/{routing.LARGEST_ID}")[1] == {
        "client_id": routing.LARGEST_ID}
    for too_big in (routing.LARGEST_ID + 1, 2**63):
        assert app.test_client().get(f"/counselor/clients/{too_big}").status_code == 404


@pytest.mark.parametrize("token, matches", [
    ("A" * 43, True), ("a-_9" * 10 + "abc", True),
    ("A" * 42, False), ("A" * 44, False), ("A" * 42 + "!", False), ("A" * 42 + "é", False),
])
def test_token_matches_only_the_shape_of_a_private_link(app: Flask, token: str,
                                                         matches: bool) -> None:
    status = app.test_client().get(f"/plans/{token}").status_code
    # A well-formed link to no plan is a 404 from the view; junk never reaches a view at all.
    assert status == 404
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(f"/plans/{token}")
    except Exception:  # werkzeug's NotFound
        endpoint = None
    assert (endpoint == "plans.link.show") is matches


def test_step_matches_every_step_of_the_content_and_nothing_else(app: Flask) -> None:
    adapter = app.url_map.bind("localhost")
    steps = app.extensions[EXTENSION_KEY].questionnaire.steps
    assert len(steps) > 3
    for step in steps:
        assert adapter.match(f"/screening/{step.id}") == ("screening.step", {"step_id": step.id})
    # /screening/save is the save view, not a step; a step id's prefix is nothing.
    assert adapter.match("/screening/save", method="POST")[0] == "screening.save"
    assert app.test_client().get(f"/screening/{steps[0].id}x").status_code == 404


def test_every_rule_gets_the_converters_of_routing_py(app: Flask) -> None:
    expected = {"int": routing.DatabaseIdConverter, "token": routing.TokenConverter,
                "step": app.url_map.converters["step"]}
    seen = set()
    for rule in app.url_map.iter_rules():
        for name, converter in rule._converters.items():
            kind = rule.rule.split(f":{name}>")[0].rsplit("<", 1)[1]
            if kind in expected:
                assert type(converter) is expected[kind], rule.rule
                seen.add(kind)
    assert seen == set(expected)


def test_blueprint_registration_order_does_not_matter(app: Flask,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Register every blueprint again in reverse order on a bare app: each rule gets the same
    converters as in the app create_app built."""
    calls: list[tuple[Blueprint, dict]] = []
    monkeypatch.setattr(Flask, "register_blueprint",
                        lambda self, bp, **options: calls.append((bp, options)))
    register_blueprints(Flask("recorder"))
    monkeypatch.undo()
    assert len(calls) >= 5

    reversed_app = Flask("reversed", template_folder=app.template_folder)
    reversed_app.config.update(app.config)
    reversed_app.extensions.update(app.extensions)
    routing.init_app(reversed_app, app.extensions[EXTENSION_KEY])
    for blueprint, options in reversed(calls):
        reversed_app.register_blueprint(blueprint, **options)
    built = converters_by_rule(app)
    assert converters_by_rule(reversed_app) == built
    assert built["/screening/<step:step_id>"]["step_id"][0] == "StepConverter"
