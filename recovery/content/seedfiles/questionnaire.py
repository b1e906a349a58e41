"""questionnaire.yaml: the steps, their questions and options, and the skip logic between them.

The shape (QuestionnaireFile) is checked first. Then, step by step: item ids are unique across
the file, each question has two options or more (its own, or a named option set), and skip
logic (`show_if`) only reads items of earlier steps. Wording true only for a person screening
themselves is marked `self_only` and has counselor words of its own (wording.py).
"""

from typing import Annotated, Any

from pydantic import BeforeValidator, TypeAdapter

from recovery.content import conditions as c
from recovery.content.model import (
    ITEM_KINDS,
    Item,
    Option,
    Questionnaire,
    Step,
)
from recovery.content.reading import (
    Entries,
    SeedProblem,
    Shape,
    Slug,
    Text,
    TrueOrFalse,
    WholeNumber,
    numbered,
    one_of,
    unique,
    validate,
    validate_value,
)
from recovery.content.references import ConditionReader, OptionalCondition
from recovery.content.seedfiles.wording import check_true_for_clients, counselor_words
from recovery.strict import Loc, problem

RESERVED_STEP_IDS = {"start", "support", "result", "save", "forget"}  # /screening/<id> pages


class OptionShape(Shape):
    id: Slug
    label: Text
    score: WholeNumber = 0
    exclusive: TrueOrFalse = False  # "none of these"
    in_text: Text = ""
    show_if: OptionalCondition = None


OPTION_LIST = TypeAdapter(Entries[OptionShape])


def _options_or_set_name(value: Any) -> Any:
    if value is not None and not isinstance(value, (str, list)):
        raise problem(f"expected a list of options or an option set's name, got "
                      f"{type(value).__name__}")
    return value


def _option_sets(value: Any) -> Any:
    if not isinstance(value, dict):
        raise problem("expected a mapping of option set names to option lists")
    return value


class CounselorItemWords(Shape):
    text: Text = ""
    hint: Text = ""


class CounselorStepWords(Shape):
    intro: Text = ""


ItemWords = Annotated[str, BeforeValidator(one_of(("text", "hint")))]
StepWords = Annotated[str, BeforeValidator(one_of(("intro",)))]


class ItemShape(Shape):
    id: Slug
    kind: Annotated[str, BeforeValidator(one_of(ITEM_KINDS))]
    text: Text
    # Its own options, or the name of an option set (yes/no questions may leave it out). Its own
    # are checked as OPTION_LIST when the question is read: pydantic would name a list that is
    # one of two shapes by its type ("options.list[...][1]"), not by its place.
    options: Annotated[list[Any] | str | None, BeforeValidator(_options_or_set_name)] = None
    hint: Text = ""
    area: Text = ""
    required: TrueOrFalse = True
    show_if: OptionalCondition = None
    # Words true only for someone screening themselves, and what counselors read instead.
    self_only: list[ItemWords] = []
    counselor: CounselorItemWords | None = None


class StepShape(Shape):
    id: Slug
    title: Text
    items: Entries[ItemShape]
    intro: Text = ""
    show_if: OptionalCondition = None
    self_only: list[StepWords] = []
    counselor: CounselorStepWords | None = None


class QuestionnaireFile(Shape):
    subject_item: Slug
    subject_fallback: Text
    subject_none: Slug | None = None
    option_sets: Annotated[dict[Slug, Entries[OptionShape]], BeforeValidator(_option_sets)]
    steps: Entries[StepShape]


OptionSets = dict[str, list[OptionShape]]


def read_questionnaire(data: Any) -> Questionnaire:
    shape = validate(QuestionnaireFile, data)
    steps = read_steps(shape.steps, shape.option_sets)
    check_subject(shape.subject_item, steps, shape.subject_none)
    return Questionnaire(steps=steps, subject_item=shape.subject_item,
                         subject_fallback=shape.subject_fallback, subject_none=shape.subject_none)


def read_steps(shapes: list[StepShape], option_sets: OptionSets) -> tuple[Step, ...]:
    known: dict[str, set[str]] = {}  # items asked in earlier steps: what skip logic may read
    steps: list[Step] = []
    for index, shape in enumerate(shapes):
        step = read_step(shape, ("steps", index), option_sets, known)
        steps.append(step)
        known.update({item.id: {o.id for o in item.options} for item in step.items})
    unique(numbered(("steps",), (s.id for s in steps)), "step")
    for index, step in enumerate(steps):
        if step.id in RESERVED_STEP_IDS:
            raise SeedProblem(("steps", index), f"{step.id!r} is reserved for a page of its own")
    return tuple(steps)


def read_step(shape: StepShape, at: Loc, option_sets: OptionSets, known: dict[str, set[str]]
              ) -> Step:
    """One step; `known` holds the items of earlier steps, all that its skip logic may read."""
    earlier = ConditionReader(dict(known))
    show_if = read_show_if(shape.show_if, at, earlier)
    items = read_items(shape.items, (*at, "items"), option_sets, earlier, known)
    words = counselor_words({"intro": shape.intro}, shape.self_only, shape.counselor, at)
    check_true_for_clients(shape.title, (*at, "title"))
    return Step(id=shape.id, title=shape.title, items=items, intro=shape.intro,
                show_if=show_if, counselor_intro=words.get("intro", ""))


def read_items(shapes: list[ItemShape], at: Loc, option_sets: OptionSets,
               earlier: ConditionReader, known: dict[str, set[str]]) -> tuple[Item, ...]:
    """One step's questions; `known` holds the items of earlier steps (ids must be unique)."""
    items: list[Item] = []
    for index, item in enumerate(shapes):
        if item.id in known or any(i.id == item.id for i in items):
            raise SeedProblem((*at, index, "id"), f"duplicate item id {item.id!r}")
        items.append(read_item(item, (*at, index), option_sets, earlier))
    return tuple(items)


def read_item(item: ItemShape, at: Loc, option_sets: OptionSets, earlier: ConditionReader
              ) -> Item:
    words = counselor_words({"text": item.text, "hint": item.hint}, item.self_only,
                            item.counselor, at)
    return Item(
        id=item.id, kind=item.kind, text=item.text,
        options=read_options(item, at, option_sets, earlier), hint=item.hint, area=item.area,
        is_required=item.required, show_if=read_show_if(item.show_if, at, earlier),
        counselor_text=words.get("text", ""), counselor_hint=words.get("hint", ""))


def read_show_if(value: dict[Any, Any] | None, at: Loc, earlier: ConditionReader
                 ) -> c.Condition:
    return c.Always() if value is None else earlier.read(value, (*at, "show_if"))


def read_options(item: ItemShape, at: Loc, option_sets: OptionSets, earlier: ConditionReader
                 ) -> tuple[Option, ...]:
    placed = placed_options(item, at, option_sets)
    for option, loc in placed:  # read to both: no counselor words of their own
        check_true_for_clients(option.label, (*loc, "label"))
    options = tuple(
        Option(id=o.id, label=o.label, score=o.score, is_exclusive=o.exclusive,
               in_text=o.in_text, show_if=read_show_if(o.show_if, loc, earlier))
        for o, loc in placed)
    unique(((o.id, loc) for o, loc in placed), "option")
    if len(options) < 2:
        raise SeedProblem((*at, "options"), "a question needs at least two options")
    return options


def placed_options(item: ItemShape, at: Loc, option_sets: OptionSets
                   ) -> list[tuple[OptionShape, Loc]]:
    """The question's options, each with where it is written: in the question, or in the
    option set it names."""
    if item.options is None and item.kind != "yes_no":
        raise SeedProblem(at, f"a {item.kind!r} question needs options")
    options = "yes_no" if item.options is None else item.options  # yes/no share one set
    if not isinstance(options, str):
        own = validate_value(OPTION_LIST, options, (*at, "options"))
        return [(option, (*at, "options", index)) for index, option in enumerate(own)]
    if options not in option_sets:
        raise SeedProblem((*at, "options"), f"unknown option set {options!r}")
    return [(option, ("option_sets", options, index))
            for index, option in enumerate(option_sets[options])]


def check_subject(subject: str, steps: tuple[Step, ...], none: str | None = None) -> None:
    """The subject item fills "{substance}": a single choice on the first page, whose every
    option says how it reads in a sentence; `subject_none`, if given, is one of its options."""
    all_items = {i.id: i for s in steps for i in s.items}
    if subject not in all_items or all_items[subject].kind != "single":
        raise SeedProblem(("subject_item",), f"{subject!r} must be a single-choice item")
    if steps[0].show_if != c.Always() or all_items[subject] not in steps[0].items:
        raise SeedProblem(("steps",), "the first step must always show and hold the subject item")
    for option in all_items[subject].options:
        if not option.in_text:
            raise SeedProblem(("subject_item",),
                              f"option {option.id!r} of {subject!r} needs in_text")
    if none is not None and all_items[subject].option(none) is None:
        raise SeedProblem(("subject_none",), f"{none!r} is not an option of {subject!r}")
