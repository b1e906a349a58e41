"""The validated content as plain frozen dataclasses: what seeds/ holds once it is checked."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from recovery.content.conditions import Always, Condition
from recovery.content.safety import SafetyPlanContent

ITEM_KINDS = ("single", "multi", "yes_no", "scale")
# "danger": an urgent safety warning (a deadly mix, daily downers), shown before the paths.
# "treatment": a prescribed treatment's own flags (taken as prescribed or beyond it, its safety).
FLAG_KINDS = ("crisis", "medical", "danger", "co_use", "interaction", "co_occurring",
              "warning_sign", "treatment")
# Whom a flag's `tell_doctor` is for, as the result names them ("Tell your pharmacist: ...").
# A medical flag speaks to "the doctor" unless it says otherwise; a medicine interaction must
# name the prescriber or the pharmacist (INTERACTION_TELL_WHO), who can act on it.
TELL_WHO = {"doctor": "the doctor", "prescriber": "your prescriber",
            "pharmacist": "your pharmacist",
            "prescriber_or_pharmacist": "your prescriber or pharmacist"}
INTERACTION_TELL_WHO = ("prescriber", "pharmacist", "prescriber_or_pharmacist")
# Ordered from most to least urgent; the result page sorts medical flags this way.
URGENCIES = ("emergency", "today", "soon", "routine")


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    score: int = 0
    is_exclusive: bool = False  # "none of these" cannot be combined with other choices
    in_text: str = ""  # for the subject item: how the choice reads inside a sentence
    show_if: Condition = field(default_factory=Always)


@dataclass(frozen=True)
class Item:
    id: str
    kind: str
    text: str
    options: tuple[Option, ...]
    hint: str = ""
    area: str = ""  # a plain-language group label shown with the result ("loss of control")
    is_required: bool = True
    show_if: Condition = field(default_factory=Always)
    # Read aloud by a counselor instead of `text` and `hint` when those are true only for a
    # person screening themselves (`self_only` in questionnaire.yaml); "" when the same words
    # are true for both.
    counselor_text: str = ""
    counselor_hint: str = ""

    def text_for(self, audience: str) -> str:
        """The question as `audience` ("self" or "counselor") reads it."""
        return (self.counselor_text if audience == "counselor" else "") or self.text

    def hint_for(self, audience: str) -> str:
        return (self.counselor_hint if audience == "counselor" else "") or self.hint

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def is_multiple(self) -> bool:
        return self.kind == "multi"


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    items: tuple[Item, ...]
    intro: str = ""
    show_if: Condition = field(default_factory=Always)
    counselor_intro: str = ""  # see Item.counselor_text

    def intro_for(self, audience: str) -> str:
        """The step's opening words as `audience` ("self" or "counselor") reads them."""
        return (self.counselor_intro if audience == "counselor" else "") or self.intro


@dataclass(frozen=True)
class Questionnaire:
    steps: tuple[Step, ...]
    subject_item: str  # the item whose chosen option fills "{substance}" in question text
    subject_fallback: str  # used before the subject is known
    subject_none: str | None = None  # the subject option that means no substance is used

    @cached_property
    def items(self) -> dict[str, Item]:
        # Cached: the engine and the forms look items up many times per request.
        return {item.id: item for step in self.steps for item in step.items}

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


@dataclass(frozen=True)
class Band:
    level: str
    min: int
    label: str
    meaning: str


@dataclass(frozen=True)
class Exclusion:
    """Items that do not count towards a scale when `when` holds, and why."""

    items: tuple[str, ...]
    when: Condition
    reason: str


@dataclass(frozen=True)
class Scale:
    id: str
    title: str
    items: tuple[str, ...]
    bands: tuple[Band, ...]  # increasing `min`, the first starting at 0
    about: str = ""
    applies_when: Condition = field(default_factory=Always)
    not_applicable: str = ""  # what the result says when `applies_when` is false
    exclusions: tuple[Exclusion, ...] = ()

    def level_index(self, level: str) -> int | None:
        return next((i for i, b in enumerate(self.bands) if b.level == level), None)

    def band_for(self, score: int) -> Band:
        return [b for b in self.bands if score >= b.min][-1]


@dataclass(frozen=True)
class Flag:
    id: str
    kind: str
    title: str
    text: str
    when: Condition
    because: str  # the rule, in words
    urgency: str = "routine"
    tell_doctor: str = ""  # what to tell them
    tell_who: str = "doctor"  # whom to tell: a key of TELL_WHO
    counselor: str = ""  # crisis flags: what the counselor does, in counselor mode


@dataclass(frozen=True)
class PathRule:
    when: Condition
    because: str


@dataclass(frozen=True)
class RankAbove:
    """When `when` holds, the path is ranked just above the first of `paths` suggested (paths
    listed before it), and `because` says why."""

    paths: tuple[str, ...]
    when: Condition
    because: str


@dataclass(frozen=True)
class TreatmentPath:
    id: str
    title: str
    summary: str
    rules: tuple[PathRule, ...]
    rank_above: RankAbove | None = None
    # Who the path is for at all, whatever its rules say: a path about changing use is never
    # for someone who doesn't use, or who takes a prescribed medicine only as prescribed.
    applies_when: Condition = field(default_factory=Always)


@dataclass(frozen=True)
class ContactMethod:
    method: str  # "call" | "text" | "chat"
    value: str  # what the person dials, texts or opens
    href: str
    note: str = ""


@dataclass(frozen=True)
class CrisisResource:
    id: str
    name: str
    kind: str  # "emergency" | "crisis" | "referral"
    description: str
    contacts: tuple[ContactMethod, ...]


@dataclass(frozen=True)
class CrisisLocale:
    id: str
    name: str
    resources: tuple[CrisisResource, ...]


@dataclass(frozen=True)
class HarmSummary:
    """A line of the result's summary that names a harm, when `when` holds (summary.yaml)."""

    id: str
    when: Condition
    text: str


@dataclass(frozen=True)
class Opening:
    """The result's first lines (summary.yaml): what matters most, and the harms named."""

    crisis: dict[str, str]  # crisis urgency -> the crisis line
    medical: dict[str, str]  # medical urgency -> the medical line, "{flag}" filled in
    first_step: str  # "{path}" filled in with the first suggested path
    harms: tuple[HarmSummary, ...]


@dataclass(frozen=True)
class SaferUseGuide:
    substances: tuple[str, ...]
    title: str  # may hold {substance}
    lines: tuple[str, ...]


@dataclass(frozen=True)
class SaferUse:
    """seeds/safer_use.yaml: who sees safer-use guidance (`rules`, each with its reason; never
    when `unless` holds) and the guidance for each substance."""

    intro: str
    unless: Condition
    rules: tuple[PathRule, ...]
    guides: tuple[SaferUseGuide, ...]

    def guide_for(self, substance: str) -> SaferUseGuide | None:
        return next((g for g in self.guides if substance in g.substances), None)


@dataclass(frozen=True)
class Content:
    version: str
    questionnaire: Questionnaire
    severity_scale: str
    scales: tuple[Scale, ...]
    flags: tuple[Flag, ...]
    paths: tuple[TreatmentPath, ...]
    crisis_locales: tuple[CrisisLocale, ...]
    default_locale: str  # the CRISIS_LOCALE setting the content was loaded for
    plan: "PlanContent"
    opening: Opening
    safer_use: SaferUse
    safety_plan: SafetyPlanContent
    lexicon: "Lexicon"
    # words.yaml's words in the default country's variety of English, already filled into
    # every text above; templates read them as `words`.
    words: Mapping[str, str] = field(default_factory=dict)

    def scale(self, scale_id: str) -> Scale:
        return next(s for s in self.scales if s.id == scale_id)

    def crisis_locale(self, locale_id: str | None) -> CrisisLocale:
        wanted = locale_id or self.default_locale
        by_id = {loc.id: loc for loc in self.crisis_locales}
        return by_id.get(wanted) or by_id[self.default_locale]


# --- Relapse-prevention plan content (seeds/plan.yaml) ---------------------------------------

TRIGGER_ACTION_KINDS = ("avoid", "leave", "cope", "call")


@dataclass(frozen=True)
class PlanAction:
    kind: str  # one of TRIGGER_ACTION_KINDS
    text: str


@dataclass(frozen=True)
class PlanTrigger:
    id: str
    kind: str
    label: str
    actions: tuple[PlanAction, ...]
    suggest_when: Condition | None = None  # None: in the library, never pre-filled
    because: str = ""


@dataclass(frozen=True)
class PlanSuggestion:
    """A line of text offered in the plan, pre-filled when `suggest_when` holds."""

    id: str
    text: str
    suggest_when: Condition | None = None
    because: str = ""


@dataclass(frozen=True)
class RoutineEntry:
    id: str
    kind: str
    text: str


@dataclass(frozen=True)
class RedFlagEntry:
    text: str
    action: str
    same_as: tuple[str, ...] = ()  # medical flag ids that say the same (left out when raised)


@dataclass(frozen=True)
class SubstanceRedFlags:
    substances: tuple[str, ...]
    items: tuple[RedFlagEntry, ...]


@dataclass(frozen=True)
class UrgePlanDefaults:
    delay_minutes: int
    delay_note: str
    distractions: tuple[str, ...]
    grounding: str


@dataclass(frozen=True)
class LapsePlanDefaults:
    first_day: tuple[str, ...]
    reminder: str
    step_up: tuple[str, ...]


@dataclass(frozen=True)
class TherapyAftercare:
    applies_when: Condition
    common: tuple[str, ...]
    call_provider: tuple[str, ...]
    after_session: tuple[str, ...]


@dataclass(frozen=True)
class ConditionalList:
    """A list of lines that belongs in the plan only when `applies_when` holds."""

    applies_when: Condition
    lines: tuple[str, ...]
    credit: str = ""


@dataclass(frozen=True)
class PlanContent:
    trigger_kinds: tuple[tuple[str, str], ...]  # (id, label), in display order
    triggers: tuple[PlanTrigger, ...]
    warning_signs: tuple[PlanSuggestion, ...]
    urge_plan: UrgePlanDefaults
    routine: tuple[RoutineEntry, ...]
    reason_prompts: tuple[str, ...]
    next_steps: dict[str, str]  # treatment path id -> a concrete first step
    lapse_plan: LapsePlanDefaults
    medical_red_flags: tuple[SubstanceRedFlags, ...]
    therapy_aftercare: TherapyAftercare
    at_home_safety: ConditionalList
    # When the relapse plan gets the safety plan's steps (seeds/safety_plan.yaml), first.
    safety_plan_when: Condition

    def trigger(self, trigger_id: str) -> PlanTrigger | None:
        return next((t for t in self.triggers if t.id == trigger_id), None)


# --- What the share-safe printouts never print (seeds/lexicon.yaml) ---------------------------

# A word, as the lexicon and the masking see it: letters and digits (no underscore), so
# punctuation of any kind, underscores included, separates words.
LEXICON_WORD = re.compile(r"[^\W_]+")


def lexicon_words(text: str) -> tuple[str, ...]:
    """The words of `text`, case-folded: how terms are written down and looked up."""
    return tuple(w.casefold() for w in LEXICON_WORD.findall(text))


@dataclass(frozen=True)
class LexiconTerm:
    words: tuple[str, ...]  # case-folded, as lexicon_words gives them
    substance: str
    say: str = ""  # its own neutral wording; "" for the lexicon's wording for a substance


@dataclass(frozen=True)
class Lexicon:
    substance_wording: str  # "the substance"
    after_determiner: str  # "substance", after "a", "my", "the"...
    number_wording: str  # a phone number in the handout's text
    determiners: frozenset[str]
    joiners: frozenset[str]  # words or single characters that join terms into one
    terms: tuple[LexiconTerm, ...]
