"""Every answer of a screening in words, step by step: the questions as they were asked (the
counselor's words where the content has them, the substance filled in) and the labels of the
options chosen, never their ids. What a saved screening's page shows, beside the answers the
result quotes as evidence. Pure: the questionnaire and the answers are passed in.

Only the steps and questions the answers made visible are listed (a skipped follow-up was never
asked). Answers saved with older questions are read with today's: an option today's content no
longer has is named as such rather than shown as an id.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from recovery.content.model import Item, Questionnaire
from recovery.screening.answers import visible_items, visible_steps
from recovery.screening.engine import fill

NOT_ANSWERED = "Not answered"
NO_LONGER_ASKED = "An answer these questions no longer offer"


@dataclass(frozen=True)
class AnsweredQuestion:
    question: str
    answers: tuple[str, ...]  # the chosen options' labels; empty if it was left unanswered

    @property
    def in_words(self) -> str:
        return "; ".join(self.answers) or NOT_ANSWERED


@dataclass(frozen=True)
class AnsweredStep:
    title: str
    questions: tuple[AnsweredQuestion, ...]


def answered_steps(questionnaire: Questionnaire, answers: Mapping[str, str | list[str]],
                   subject: str, audience: str = "self") -> tuple[AnsweredStep, ...]:
    """The steps shown for these answers, each with its questions (in the words `audience`,
    "self" or "counselor", read them) and the answers in words; `subject` is the substance as it
    reads in a sentence ("ketamine")."""
    return tuple(
        AnsweredStep(fill(step.title, subject),
                     tuple(AnsweredQuestion(fill(item.text_for(audience), subject),
                                            labels(item, answers.get(item.id), subject))
                           for item in visible_items(step, answers)))
        for step in visible_steps(questionnaire, answers))


def labels(item: Item, value: str | list[str] | None, subject: str) -> tuple[str, ...]:
    """The labels of the chosen options, in the order the answer holds them."""
    chosen = [value] if isinstance(value, str) else list(value or ())
    found = (item.option(option_id) for option_id in chosen)
    return tuple(fill(option.label, subject) if option else NO_LONGER_ASKED for option in found)
