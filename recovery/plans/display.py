"""What the plan pages show, apart from the routes (recovery.plans.pages): the values of the
plan page, the edit form with its trigger library, versions to compare (with the content's
labels for codes) and the one-line summary of each revision."""

import re
from datetime import date
from typing import Any

from flask import abort, render_template, request

from recovery.content.model import Content
from recovery.db import get_session
from recovery.models import PlanRevision, RelapsePlan
from recovery.planning.diff import Change, Labels, changed_sections
from recovery.planning.draft import GOAL_LABELS, PlanDraft
from recovery.planning.vocabulary import ACTION_LABELS, MEETING_LABELS, RANK_LABELS
from recovery.plans import sections, store
from recovery.plans.forms import PlanForm
from recovery.plans.trigger_section import kind_labels, trigger_library
from recovery.seeds import current_content


def plan_context(plan: RelapsePlan, draft: PlanDraft) -> dict[str, Any]:
    content = current_content()
    return {
        "plan": plan, "draft": draft, "sections": sections.SECTIONS,
        "triggers_by_kind": triggers_by_kind(draft, content),
        "resources": content.crisis_locale(draft.crisis_locale),
        "review_on": date.fromisoformat(draft.review_date),
        "goal_label": GOAL_LABELS[draft.goal],
        "rank_labels": RANK_LABELS, "action_labels": ACTION_LABELS,
        "meeting_labels": MEETING_LABELS,
    }


def triggers_by_kind(draft: PlanDraft, content: Content) -> list[tuple[str, list[Any]]]:
    """Triggers grouped under the library's kinds (then the person's own, then any kinds an
    uploaded file brought from another install), highest risk first within each group."""
    labels = kind_labels(content)
    kinds = list(labels) + sorted({t.kind for t in draft.triggers} - set(labels))
    order = {rank: i for i, rank in enumerate(RANK_LABELS)}
    grouped = []
    for kind in kinds:
        found = sorted((t for t in draft.triggers if t.kind == kind), key=lambda t: order[t.rank])
        if found:
            grouped.append((labels.get(kind, "Other triggers"), found))
    return grouped


def render_edit(plan: RelapsePlan, draft: PlanDraft, section: sections.Section,
                form: PlanForm, status: int = 200) -> tuple[str, int]:
    library = (trigger_library(draft, current_content())
               if section.id == "triggers" else [])
    return render_template("plans/edit.html", plan=plan, section=section,
                           form=form, library=library, draft=draft), status


def arg_number(name: str) -> int:
    value = request.args.get(name, "")
    if not re.fullmatch(r"[0-9]{1,9}", value):
        abort(400, description="Please choose two versions of the plan to compare.")
    return int(value)


def revision_or_404(plan: RelapsePlan, number: int) -> PlanRevision:
    row = store.revision(get_session(), plan=plan, number=number)
    if row is None:
        abort(404, description=f"This plan has no version {number}.")
    return row


def by_section(changes: list[Change]) -> list[tuple[str, list[Change]]]:
    """Changes grouped under their section, keeping the plan's order."""
    grouped: dict[str, list[Change]] = {}
    for change in changes:
        grouped.setdefault(change.section, []).append(change)
    return list(grouped.items())


def diff_labels() -> Labels:
    """The content's labels for the codes a list of changes may show."""
    content = current_content()
    return Labels(trigger_kinds=kind_labels(content),
                  countries={loc.id: loc.name for loc in content.crisis_locales})


# The list of revisions summarises the newest ones only: each summary reads two whole revisions,
# and a plan saved thousands of times should not make its list slow.
SUMMARISED_REVISIONS = 30


def revision_summaries(rows: list[PlanRevision]) -> dict[int, list[str]]:
    """Revision number -> the sections it changed from the one before, for the newest ones."""
    recent = rows[-(SUMMARISED_REVISIONS + 1):]
    drafts = [store.revision_draft(row) for row in recent]
    return {row.number: changed_sections(before, after)
            for row, before, after in zip(recent[1:], drafts, drafts[1:], strict=False)}
