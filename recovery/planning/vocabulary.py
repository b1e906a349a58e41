"""The plan's words and limits, in one place. Pure: no Flask, no database.

Every place that shows a plan (the plan page and its forms, the list of changes between
revisions, the PDFs) and the reader of plan files take their section titles, the labels of the
plan's fixed choices and the length limits from here, so a section is called the same thing
everywhere and a form never accepts what the file reader would refuse.
"""

import re

# --- the plan file's fixed choices and their labels ------------------------------------------

GOAL_LABELS = {"stop": "Stop completely", "cut_down": "Cut down", "undecided": "Not decided yet"}
RANK_LABELS = {"high": "High risk", "medium": "Medium risk", "low": "Lower risk"}
ACTION_LABELS = {"avoid": "Avoid it", "leave": "Leave", "cope": "Cope where I am",
                 "call": "Call or text someone"}
MEETING_LABELS = {"na": "Narcotics Anonymous (NA)", "smart": "SMART Recovery",
                  "other": "Other meeting"}
GOALS = tuple(GOAL_LABELS)
RANKS = tuple(RANK_LABELS)  # highest risk first: the plan page sorts by this order
ACTION_KINDS = tuple(ACTION_LABELS)
MEETING_KINDS = tuple(MEETING_LABELS)

# A trigger the person wrote themselves, not one of the kinds in seeds/plan.yaml.
OWN_TRIGGER_KIND = "own"
OWN_TRIGGER_LABEL = "My own"

# --- section titles, in the order the plan reads ----------------------------------------------

SECTION_TITLES = {
    "about": "About this plan",
    "display_name": "Name on the plan",
    "goal": "My goal",
    "reasons": "My reasons",
    "triggers": "My triggers and what I will do",
    "warning_signs": "Early warning signs",
    "urge_plan": "My urge plan",
    "routine": "My daily routine",
    "contacts": "Support contacts",
    "meetings": "Meetings",
    "next_steps": "Treatment next steps",
    "lapse_plan": "If I slip",
    "medical": "When to get medical help",
    "therapy": "Ketamine treatment aftercare",
    "harm_reduction": "Staying safer if I use",
    "safety_steps": "My safety plan",
    "review_date": "Review date",
    "crisis_locale": "Crisis lines country",
}

# The parts of the one-entry sections (urge plan, lapse plan, treatment aftercare), as the list
# of changes between revisions names them.
PART_LABELS = {
    "distractions": "Distract myself",
    "grounding": "Ground myself",
    "text_person": "Text or call",
    "first_day": "In the first 24 hours",
    "reminder": "Reminder",
    "step_up": "When to ask for more help",
    "common": "Common, and usually passes",
    "call_provider": "Call your provider",
    "after_session": "After each session",
    "at_home_rules": "Treatment at home: safety rules",
}

# --- limits (the file reader refuses more; the forms say so before saving) --------------------

MAX_TEXT = 500  # any free text
MAX_SHORT = 80  # a name, a role, a day, a time
MAX_LINES = 50  # entries in one list
MAX_DISPLAY_NAME = 40
MAX_PHONE = 40
MAX_MEETING_PLACE = 200  # an address or a link
MAX_CONTENT_VERSION = 40
DELAY_MINUTES = (1, 240)  # the urge plan's "wait this long" range

# Newlines and tabs are fine in free text; other control characters never belong in a plan.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Line breaks of any kind, refused where the plan forms show a single line.
LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")
# \Z, not $: "$" also matches before a final newline.
PHONE = re.compile(r"\A[0-9+()\-. ]{0,40}\Z")
# A trunk "(0)" written after the country code ("+44 (0)20 ..."): never dialled from abroad.
TRUNK_AFTER_COUNTRY_CODE = re.compile(r"\A\s*(\+[\d\s]+?)\s*\(0\)")


def dialable(phone: str) -> str:
    """`phone` as a tel: link dials it: its digits, with a + in front if it starts with one,
    and without a trunk "(0)" after the country code."""
    text = TRUNK_AFTER_COUNTRY_CODE.sub(r"\1", phone)
    digits = "".join(ch for ch in text if ch.isdigit())
    return f"+{digits}" if text.lstrip().startswith("+") else digits
