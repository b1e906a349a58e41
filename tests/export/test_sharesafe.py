"""What the share-safe printouts keep, mask and drop (no PDF rendering here)."""

import re
from collections.abc import Callable

import pytest

from recovery.content.model import Content
from recovery.export.masking import Masker
from recovery.export.sharesafe import (
    first_name_or_initials,
    share_safe_draft,
    share_safe_locale,
)
from recovery.planning.draft import Line, PlanDraft


def option_words(content: Content) -> set[str]:
    """Independently of the code under test: every word of every substance option's id and
    in-sentence name (the fallback's "the substance" and "I don't use any" aside)."""
    q = content.questionnaire
    item = q.items[q.subject_item]
    words: set[str] = set()
    for option in item.options:
        if option.in_text != q.subject_fallback and option.id != q.subject_none:
            named = f"{option.id} {option.in_text}"
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", named))
    return words


@pytest.mark.parametrize(("name", "expected"), [
    ("Alex", "Alex"),
    ("Alex Smith", "Alex"),
    ("  Alex   van der Berg ", "Alex"),
    ("A. S.", "A. S."),
    ("AS", "AS"),
    ("", ""),
    ("   ", ""),
])
def test_first_name_or_initials(name: str, expected: str) -> None:
    assert first_name_or_initials(name) == expected


def test_share_safe_draft_drops_what_it_must_hide(
        content: Content, make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft(reasons=(Line("Ketamine took my evenings", because="a reason"),))
    assert draft.medical and draft.harm_reduction and draft.next_steps  # there is something to drop

    safe = share_safe_draft(draft, Masker(content.lexicon))

    assert (safe.substance, safe.substance_text) == ("", "")
    assert safe.display_name == "Alex"
    assert safe.medical == () and safe.therapy is None and safe.harm_reduction == ()
    assert safe.next_steps == () and safe.safety_steps == () and safe.safety_credit == ""
    assert all(c.phone == "" for c in safe.contacts)
    assert [c.name for c in safe.contacts] == [c.name for c in draft.contacts]
    assert safe.reasons == (Line("The substance took my evenings"),)
    assert all(t.because == "" for t in safe.triggers)
    assert safe.triggers[0].text == "Being alone with the substance within reach"
    # Ids, dates and versions are kept as they are.
    assert (safe.goal, safe.review_date, safe.content_version, safe.crisis_locale) == (
        draft.goal, draft.review_date, draft.content_version, draft.crisis_locale)
    assert [t.rank for t in safe.triggers] == [t.rank for t in draft.triggers]


def test_the_wallet_version_keeps_contacts_numbers(
        content: Content, make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft()

    safe = share_safe_draft(draft, Masker(content.lexicon), keep_phones=True)

    assert [c.phone for c in safe.contacts] == [c.phone for c in draft.contacts]
    assert safe.triggers[0].text == "Being alone with the substance within reach"


def test_crisis_lines_keep_their_numbers_and_lose_substance_names(content: Content) -> None:
    masker = Masker(content.lexicon)
    for locale in content.crisis_locales:
        safe = share_safe_locale(locale, masker)
        words = " ".join(f"{r.name} {r.description}" for r in safe.resources).lower()

        assert not set(re.findall(r"[a-z]+", words)) & (option_words(content) - {"substance"})
        assert [r.contacts for r in safe.resources] == [r.contacts for r in locale.resources]
