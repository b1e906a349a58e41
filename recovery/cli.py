"""Command-line tools: check the content, print the questionnaire, score answers from JSON, and
delete saved results, plans, sign-in counts and counselors' screenings in progress whose time is
up."""

import json
import sys
from dataclasses import asdict
from typing import IO, Any, NoReturn

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlmodel import Session

from recovery import encryption, startup
from recovery.content.conditions import (
    AllOf,
    Always,
    AnswerIn,
    AnyOf,
    Condition,
    Not,
)
from recovery.content.model import Content, Item, Option, Step
from recovery.counselor import attempts, clock
from recovery.counselor.commands import create_user_command
from recovery.counselor.screenings import progress
from recovery.db import maintenance_engine
from recovery.plans import store as plan_store
from recovery.questionnaire import store
from recovery.safetyplan import store as safety_store
from recovery.screening.answers import AnswerError
from recovery.screening.engine import screen
from recovery.screening.result import ScreeningResult
from recovery.seeds import current_content
from recovery.templating import count_of

MAX_INPUT_BYTES = 1_000_000


def condition_to_dict(condition: Condition) -> Any:
    """Skip logic as plain data: the same shape the seed files use."""
    if isinstance(condition, Always):
        return None
    if isinstance(condition, AnswerIn):
        return {"answer": {"item": condition.item, "in": sorted(condition.values)}}
    if isinstance(condition, AllOf):
        return {"all": [condition_to_dict(p) for p in condition.parts]}
    if isinstance(condition, AnyOf):
        return {"any": [condition_to_dict(p) for p in condition.parts]}
    if isinstance(condition, Not):
        return {"not": condition_to_dict(condition.part)}
    raise TypeError(f"not a skip-logic condition: {condition!r}")  # the loader forbids these


def option_to_dict(option: Option) -> dict[str, Any]:
    return {"id": option.id, "label": option.label, "score": option.score,
            "exclusive": option.is_exclusive, "show_if": condition_to_dict(option.show_if)}


def item_to_dict(item: Item) -> dict[str, Any]:
    return {"id": item.id, "kind": item.kind, "text": item.text, "hint": item.hint,
            "required": item.is_required, "multiple": item.is_multiple,
            "show_if": condition_to_dict(item.show_if),
            "options": [option_to_dict(option) for option in item.options]}


def step_to_dict(step: Step) -> dict[str, Any]:
    return {"id": step.id, "title": step.title, "intro": step.intro,
            "show_if": condition_to_dict(step.show_if),
            "items": [item_to_dict(item) for item in step.items]}


def questionnaire_to_dict(content: Content) -> dict[str, Any]:
    q = content.questionnaire
    return {"content_version": content.version, "subject_item": q.subject_item,
            "steps": [step_to_dict(step) for step in q.steps]}


@click.command("check-content")
@with_appcontext
def check_content_command() -> None:
    """Validate seeds/ (the app has already loaded it strictly) and print a summary."""
    content = current_content()
    q = content.questionnaire
    click.echo(
        f"Content {content.version} is valid: {len(q.steps)} steps, {len(q.items)} questions, "
        f"{len(content.scales)} scales, {len(content.flags)} flags, {len(content.paths)} paths, "
        f"{len(content.crisis_locales)} crisis locales."
    )


@click.command("questionnaire")
@with_appcontext
def questionnaire_command() -> None:
    """Print the questionnaire definition as JSON: ids, text, options and skip logic."""
    click.echo(json.dumps(questionnaire_to_dict(current_content()), indent=2, ensure_ascii=False))


@click.command("assess")
@click.argument("answers_file", type=click.File("rb"), default="-")
@click.option("--locale", default=None, help="Country code for crisis resources, e.g. US or GB.")
@with_appcontext
def assess_command(answers_file: IO[bytes], locale: str | None) -> None:
    """Read answers as JSON (item id -> value) from ANSWERS_FILE or standard input and print the
    screening result as JSON."""
    answers = read_answers(answers_file)
    content = current_content()
    check_locale(locale, content)
    result = screened(answers, content, locale)
    output = result.to_dict()
    output["answers"] = result.answers
    output["crisis_resources"] = asdict(content.crisis_locale(locale))
    click.echo(json.dumps(output, indent=2, ensure_ascii=False))


def check_locale(locale: str | None, content: Content) -> None:
    if locale is not None and locale not in {loc.id for loc in content.crisis_locales}:
        fail(f"unknown locale {locale!r}; known: "
             + ", ".join(loc.id for loc in content.crisis_locales))


def screened(answers: dict[str, Any], content: Content, locale: str | None) -> ScreeningResult:
    """The screening of the answers, or every reason they can't be scored."""
    try:
        return screen(answers, content, locale=locale)
    except AnswerError as exc:
        lines = [f"  {p.item or '(answers)'}: {p.message}" for p in exc.problems]
        fail("the answers can't be scored:\n" + "\n".join(lines))


def read_answers(answers_file: IO[bytes]) -> dict[str, Any]:
    """The answers file as a JSON object, or a one-line reason why not."""
    raw = answers_file.read(MAX_INPUT_BYTES + 1)
    if len(raw) > MAX_INPUT_BYTES:
        fail("the answers file is larger than 1 MB")
    answers = parsed_json(raw)
    if not isinstance(answers, dict):
        fail("the answers must be a JSON object of item id -> value")
    return answers


def parsed_json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        fail("the answers are not UTF-8 text")
    except RecursionError:
        fail("the answers are nested too deeply")
    except json.JSONDecodeError as exc:
        fail(f"the answers are not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")


@click.command("purge-expired")
@with_appcontext
def purge_expired_command() -> None:
    """Delete saved results older than RESULT_RETENTION_DAYS, anonymous plans and safety plans
    not saved for PLAN_RETENTION_DAYS, the sign-in counts of addresses without an account whose
    window has ended, and counselors' screenings in progress untouched for
    COUNSELOR_SCREENING_KEEP_HOURS.
    Safe to run from cron, as often as you like: five DELETEs in one transaction, and a second
    run finds nothing to do."""
    with maintenance_engine() as engine, Session(engine) as session:
        results, plans, safety_plans, counts, unsaved = purge_all(session)
        session.commit()
    click.echo(f"Deleted {count_of(results, 'expired saved result')}.")
    click.echo(f"Deleted {count_of(plans, 'expired plan')}.")
    click.echo(f"Deleted {count_of(safety_plans, 'expired safety plan')}.")
    click.echo(f"Deleted {count_of(counts, 'ended sign-in count')} for unknown addresses.")
    click.echo(f"Deleted {count_of(unsaved, 'screening')} in progress kept past their time.")


def purge_all(session: Session) -> tuple[int, int, int, int, int]:
    """Delete what is past its time: how many saved results, plans, safety plans, sign-in
    counts of unknown addresses and screenings in progress."""
    cutoff = plan_store.retention_cutoff(current_app.config["PLAN_RETENTION_DAYS"])
    return (store.purge_expired_assessments(session),
            plan_store.purge_expired_plans(session, saved_after=cutoff),
            safety_store.purge_expired_safety_plans(session, saved_after=cutoff),
            attempts.purge_ended(session, now=clock.now()),
            progress.purge_expired(session, now=clock.now()))


def fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def init_app(app: Flask) -> None:
    """Every `flask --app recovery ...` command, each explaining a database it can't use."""
    for command in (check_content_command, questionnaire_command, assess_command,
                    purge_expired_command, create_user_command, encryption.new_key_command,
                    encryption.reseal_command):
        app.cli.add_command(command)
    startup.explain_database_errors(app.cli)
