"""The screening engine: answers + content -> ScreeningResult. Pure: no Flask, no database.

Order matters and follows the content: scales are scored first, then flags (each may read the
flags above it), then treatment paths (each may read the paths above it; one whose
`applies_when` is false is not considered at all), ranked in content order except where a
path's `rank_above` holds, then the result's opening (summary.yaml: what matters most, and the
harms named). Everything that ends up in the result carries the rule and the answers that put
it there.
"""

from collections.abc import Mapping
from dataclasses import replace

from recovery.content.conditions import Evidence
from recovery.content.model import URGENCIES, Content, Flag, Item, PathRule, Scale
from recovery.screening.answers import AnswerContext, Answers, clean_answers
from recovery.screening.result import (
    Cutoff,
    EvidenceView,
    ExcludedItems,
    FlagResult,
    Harm,
    PathReason,
    PathResult,
    Priority,
    SaferUseResult,
    ScaleResult,
    ScreeningResult,
)


class ScreeningContext(AnswerContext):
    """Answers plus what has been worked out so far, for conditions to read."""

    def __init__(self, answers: Answers, content: Content) -> None:
        super().__init__(answers)
        self.content = content
        self.scales: dict[str, ScaleResult] = {}
        self.flags: set[str] = set()
        self.paths: set[str] = set()

    def level_index(self, scale_id: str) -> int | None:
        scale = self.scales.get(scale_id)
        if scale is None or not scale.is_applicable:
            return None
        return self.content.scale(scale_id).level_index(scale.level)

    def level_of(self, scale_id: str) -> str | None:
        scale = self.scales.get(scale_id)
        return scale.level if scale and scale.is_applicable else None

    def score(self, scale_id: str) -> int | None:
        scale = self.scales.get(scale_id)
        return scale.score if scale and scale.is_applicable else None

    def has_flag(self, flag_id: str) -> bool:
        return flag_id in self.flags

    def has_path(self, path_id: str) -> bool:
        return path_id in self.paths


def subject_text(answers: Mapping[str, object], content: Content) -> str:
    """How the chosen substance reads inside a sentence ("ketamine", "the substance")."""
    q = content.questionnaire
    chosen = answers.get(q.subject_item)
    option = q.items[q.subject_item].option(chosen) if isinstance(chosen, str) else None
    return option.in_text if option else q.subject_fallback


def fill(text: str, subject: str) -> str:
    # Plain replacement, never str.format: content text must not be able to reach attributes.
    return text.replace("{substance}", subject)


def about_text(scale: Scale, areas: int) -> str:
    """The scale's `about`, with "{areas}" read as the number of items actually counted."""
    return scale.about.replace("{areas}", str(areas))


def cutoffs_of(scale: Scale) -> tuple[Cutoff, ...]:
    """Each band's range: from its `min` up to the next band's, the last one open-ended."""
    return tuple(
        Cutoff(level=b.level, label=b.label, min=b.min,
               max=(scale.bands[i + 1].min - 1 if i + 1 < len(scale.bands) else None))
        for i, b in enumerate(scale.bands)
    )


def excluded_items(scale: Scale, ctx: ScreeningContext) -> tuple[ExcludedItems, ...]:
    """The scale's exclusions that hold, each with only the items no earlier one left out."""
    excluded: list[ExcludedItems] = []
    excluded_ids: set[str] = set()
    for exclusion in scale.exclusions:
        if exclusion.when.is_true(ctx):
            new = tuple(i for i in exclusion.items if i not in excluded_ids)
            if new:
                excluded.append(ExcludedItems(items=new, reason=exclusion.reason))
                excluded_ids.update(new)
    return tuple(excluded)


def count_items(item_ids: list[str], ctx: ScreeningContext, subject: str
                ) -> tuple[int, int, tuple[EvidenceView, ...]]:
    """The score, the highest score possible and the answers that scored, over the items."""
    items = ctx.content.questionnaire.items
    counted: list[EvidenceView] = []
    score = maximum = 0
    for item in (items[item_id] for item_id in item_ids):
        maximum += max(o.score for o in item.options)
        chosen = item.option(str(ctx.answers.get(item.id, "")))
        if chosen and chosen.score > 0:
            score += chosen.score
            counted.append(EvidenceView(kind="answer", ref=item.id,
                                        label=fill(item.text, subject),
                                        values=(chosen.label,), area=item.area))
    return score, maximum, tuple(counted)


def score_scale(scale: Scale, ctx: ScreeningContext, subject: str) -> ScaleResult:
    if not scale.applies_when.is_true(ctx):
        return not_applicable(scale)
    excluded = excluded_items(scale, ctx)
    left_out = {item_id for exclusion in excluded for item_id in exclusion.items}
    counted_ids = [item_id for item_id in scale.items if item_id not in left_out]
    score, maximum, counted = count_items(counted_ids, ctx, subject)
    band = scale.band_for(score)
    return ScaleResult(scale=scale.id, title=scale.title,
                       about=about_text(scale, len(scale.items) - len(left_out)),
                       is_applicable=True, score=score, max=maximum, level=band.level,
                       label=band.label, meaning=band.meaning, cutoffs=cutoffs_of(scale),
                       counted=counted, excluded=excluded)


def not_applicable(scale: Scale) -> ScaleResult:
    """A scale that isn't for this person: no score, and its text saying so instead."""
    return ScaleResult(scale=scale.id, title=scale.title,
                       about=about_text(scale, len(scale.items)),
                       is_applicable=False, not_applicable=scale.not_applicable,
                       cutoffs=cutoffs_of(scale))


def describe(evidence: list[Evidence], ctx: ScreeningContext, subject: str
             ) -> tuple[EvidenceView, ...]:
    """Turn raw evidence into words a person can read next to a flag or path."""
    views = [view_of(ev, ctx, subject) for ev in evidence]
    unique = {(v.kind, v.ref, v.values): v for v in views}  # the same answer may match twice
    return tuple(unique.values())


def view_of(ev: Evidence, ctx: ScreeningContext, subject: str) -> EvidenceView:
    """One piece of evidence in words: the question and answers, the score, the flag or path."""
    if ev.kind == "answer":
        return answer_view(ctx.content.questionnaire.items[ev.ref], ev.values, subject)
    if ev.kind in ("score", "level"):
        scale = ctx.scales[ev.ref]
        shown = f"{scale.score} of {scale.max} ({scale.label})"
        return EvidenceView(ev.kind, ev.ref, scale.title, (shown,))
    if ev.kind == "flag":
        flag = next(f for f in ctx.content.flags if f.id == ev.ref)
        return EvidenceView("flag", ev.ref, flag.title)
    path = next(p for p in ctx.content.paths if p.id == ev.ref)
    return EvidenceView("path", ev.ref, path.title)


def answer_view(item: Item, values: tuple[str, ...], subject: str) -> EvidenceView:
    """The question, and the labels of the given answers in the order the question lists them."""
    labels = tuple(o.label for o in item.options if o.id in values)
    return EvidenceView("answer", item.id, fill(item.text, subject), labels)


def raise_flag(flag: Flag, evidence: list[Evidence], ctx: ScreeningContext, subject: str
               ) -> FlagResult:
    return FlagResult(id=flag.id, kind=flag.kind, title=fill(flag.title, subject),
                      text=fill(flag.text, subject), urgency=flag.urgency,
                      tell_doctor=fill(flag.tell_doctor, subject), tell_who=flag.tell_who,
                      because=flag.because, evidence=describe(evidence, ctx, subject),
                      counselor=fill(flag.counselor, subject))


def screen(raw_answers: Mapping[str, object], content: Content, locale: str | None = None
           ) -> ScreeningResult:
    """Score the answers. Raises AnswerError if they are not a valid, complete answer set."""
    return evaluate(raw_answers, content, locale)[0]


def evaluate(raw_answers: Mapping[str, object], content: Content, locale: str | None = None
             ) -> tuple[ScreeningResult, ScreeningContext]:
    """Like `screen`, also returning the context, so a plan can apply the same conditions."""
    answers = clean_answers(raw_answers, content.questionnaire)
    ctx = ScreeningContext(answers, content)
    subject = subject_text(answers, content)
    for scale in content.scales:
        ctx.scales[scale.id] = score_scale(scale, ctx, subject)
    flags = raise_flags(ctx, subject)
    paths = rank(suggest_paths(ctx, subject), ctx)
    return result_of(ctx, answers, flags, paths, subject, locale), ctx


def raise_flags(ctx: ScreeningContext, subject: str) -> list[FlagResult]:
    """Every flag whose rule holds (each may read the flags above it in the content)."""
    flags: list[FlagResult] = []
    for flag in ctx.content.flags:
        evidence = flag.when.check(ctx)
        if evidence is not None:
            ctx.flags.add(flag.id)
            flags.append(raise_flag(flag, evidence, ctx, subject))
    # Crisis help always comes first, then the most urgent; content order breaks ties.
    flags.sort(key=lambda f: (f.kind != "crisis", URGENCIES.index(f.urgency)))
    return flags


def result_of(ctx: ScreeningContext, answers: Answers, flags: list[FlagResult],
              paths: tuple[PathResult, ...], subject: str, locale: str | None
              ) -> ScreeningResult:
    """The scored context's result, with its opening (what matters most, the harms named)."""
    content = ctx.content
    substance = str(answers[content.questionnaire.subject_item])
    return ScreeningResult(
        content_version=content.version,
        substance=substance,
        substance_label=substance_label(substance, content, subject),
        substance_text=subject,
        severity=ctx.scales[content.severity_scale],
        scores=tuple(s for sid, s in ctx.scales.items() if sid != content.severity_scale),
        crisis_level=next((f.urgency for f in flags if f.kind == "crisis"), "none"),
        flags=tuple(flags),
        paths=paths,
        answers=answers,
        crisis_locale=content.crisis_locale(locale).id,
        what_matters=priorities(content, flags, paths, subject),
        harms=named_harms(ctx, subject),
        safer_use=safer_use(ctx, subject, substance),
    )


def substance_label(substance: str, content: Content, subject: str) -> str:
    """The chosen option's label, as the questionnaire shows it (else the subject's text)."""
    questionnaire = content.questionnaire
    option = questionnaire.items[questionnaire.subject_item].option(substance)
    return option.label if option else subject


def suggest_paths(ctx: ScreeningContext, subject: str) -> list[PathResult]:
    """Every path with a rule that holds, in content order, each with every such rule."""
    paths: list[PathResult] = []
    for path in ctx.content.paths:
        if not path.applies_when.is_true(ctx):
            continue  # not for this person, whatever its rules say
        reasons = reasons_of(path.rules, ctx, subject)
        if reasons:
            ctx.paths.add(path.id)
            paths.append(PathResult(id=path.id, rank=len(paths) + 1, title=path.title,
                                    summary=path.summary, reasons=reasons))
    return paths


def reasons_of(rules: tuple[PathRule, ...], ctx: ScreeningContext, subject: str
               ) -> tuple[PathReason, ...]:
    """Each rule that holds, with the answers that make it hold."""
    return tuple(PathReason(because=rule.because, evidence=describe(evidence, ctx, subject))
                 for rule in rules if (evidence := rule.when.check(ctx)) is not None)


def rank(paths: list[PathResult], ctx: ScreeningContext) -> tuple[PathResult, ...]:
    """Content order, except that a path whose `rank_above` holds moves just above the first
    of its named paths that is suggested, saying why; then ranks are numbered 1, 2, ..."""
    order = list(paths)
    for path in ctx.content.paths:
        rule = path.rank_above
        if rule is None or path.id not in ctx.paths or not rule.when.is_true(ctx):
            continue
        ids = [p.id for p in order]
        above = [ids.index(other) for other in rule.paths if other in ids]
        here = ids.index(path.id)
        if above and min(above) < here:
            order.insert(min(above), replace(order.pop(here), ranked_because=rule.because))
    return tuple(replace(p, rank=i) for i, p in enumerate(order, start=1))


def priorities(content: Content, flags: list[FlagResult], paths: tuple[PathResult, ...],
               subject: str) -> tuple[Priority, ...]:
    """What matters most, at most three lines: crisis help, medical care, the first step.
    Flags are already sorted most urgent first."""
    lines: list[Priority] = []
    opening = content.opening
    for kind, words in (("crisis", opening.crisis), ("medical", opening.medical)):
        first = next((f for f in flags if f.kind == kind), None)
        if first is not None:
            lines.append(flag_priority(first, words, subject))
    if paths:
        text = opening.first_step.replace("{path}", paths[0].title)
        lines.append(Priority(kind="path", text=fill(text, subject), ref=paths[0].id))
    return tuple(lines)


def flag_priority(flag: FlagResult, words: Mapping[str, str], subject: str) -> Priority:
    """The opening's line for the flag's urgency, naming the flag."""
    text = words[flag.urgency].replace("{flag}", flag.title)
    return Priority(kind=flag.kind, text=fill(text, subject), ref=flag.id, urgency=flag.urgency)


def named_harms(ctx: ScreeningContext, subject: str) -> tuple[Harm, ...]:
    harms = []
    for harm in ctx.content.opening.harms:
        evidence = harm.when.check(ctx)
        if evidence is not None:
            harms.append(Harm(id=harm.id, text=fill(harm.text, subject),
                              evidence=harm_evidence(evidence, ctx, subject)))
    return tuple(harms)


def harm_evidence(evidence: list[Evidence], ctx: ScreeningContext, subject: str
                  ) -> tuple[EvidenceView, ...]:
    """The answers behind a harm: a flag it reads stands for the answers that raised it."""
    answers: list[Evidence] = []
    for ev in evidence:
        if ev.kind == "flag":
            flag = next(f for f in ctx.content.flags if f.id == ev.ref)
            answers.extend(flag.when.check(ctx) or [])
        else:
            answers.append(ev)
    return describe(answers, ctx, subject)


def safer_use(ctx: ScreeningContext, subject: str, substance: str) -> SaferUseResult | None:
    """The substance's safer-use guidance with every rule that shows it (seeds/safer_use.yaml),
    or None: no rule holds, `unless` does, or the substance has no guide. Crisis flags don't
    hide it; the result page shows crisis help first, then this with everything else."""
    content = ctx.content.safer_use
    guide = content.guide_for(substance)
    if guide is None or content.unless.is_true(ctx):
        return None
    reasons = reasons_of(content.rules, ctx, subject)
    if not reasons:
        return None
    return SaferUseResult(title=fill(guide.title, subject), intro=fill(content.intro, subject),
                          lines=tuple(fill(line, subject) for line in guide.lines),
                          reasons=reasons)
