"""What the share-safe printouts keep, mask and drop (no PDF rendering here)."""

import re
import time
from collections.abc import Callable

import pytest

from recovery.content.model import Content
from recovery.export.sharesafe import (
    NUMBER_MASK,
    SUBSTANCE_MASK,
    Masker,
    first_name_or_initials,
    share_safe_draft,
    share_safe_locale,
    substance_terms,
)
from recovery.planning.draft import Line, PlanDraft

# Words in the substance options that name no substance (see sharesafe.ORDINARY_WORDS).
ORDINARY = {"also", "and", "as", "called", "else", "or", "other", "something", "special",
            "such", "the", "substance"}


def option_words(content: Content) -> set[str]:
    """Independently of the code under test: every word of every substance option."""
    item = content.questionnaire.items[content.questionnaire.subject_item]
    words: set[str] = set()
    for option in item.options:
        for text in (option.id, option.label, option.in_text):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", text))
    return words - ORDINARY


def test_every_word_naming_a_substance_is_a_term(content: Content) -> None:
    terms = set(substance_terms(content))

    assert option_words(content) <= terms
    assert {"ketamine", "ket", "k", "cannabis", "weed", "thc", "cocaine", "mdma", "heroin",
            "fentanyl", "oxycodone", "diazepam", "alcohol", "benzodiazepines"} <= terms
    assert not terms & ORDINARY


@pytest.mark.parametrize(("text", "expected"), [
    ("Being alone with ketamine within reach", "Being alone with [substance] within reach"),
    ("KETAMINE, Ketamine and ketamine's pull", "[substance], [substance] and [substance]'s pull"),
    ("Esketamine clinic days", "[substance] clinic days"),
    ("Alcoholics Anonymous on Monday", "[substance] Anonymous on Monday"),
    ("One opioid is enough", "One [substance] is enough"),
    ("K or a bit of ket", "[substance] or a bit of [substance]"),
    ("Someone offering special K", "Someone offering special [substance]"),
    ("Methamphetamine and meth", "[substance] and [substance]"),
    ("THC vapes after work", "[substance] [substance] after work"),
    # Ordinary words that merely start like a short name stay.
    ("A method that works; OK; kettle; hashtag", "A method that works; OK; kettle; hashtag"),
    ("Something else, the other thing", "Something else, the other thing"),
])
def test_masks_substance_names(content: Content, text: str, expected: str) -> None:
    assert Masker.for_content(content).mask_substances(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Call Sam on 555-0100", f"Call Sam on {NUMBER_MASK}"),
    ("Mum +44 7700 900123 anytime", f"Mum {NUMBER_MASK} anytime"),
    ("Dr Lee (212) 555-0199.", f"Dr Lee {NUMBER_MASK}."),
    ("Meet at 19:00 on 12 May, room 101", "Meet at 19:00 on 12 May, room 101"),
    ("Wait 20 minutes, 5-4-3-2-1", "Wait 20 minutes, 5-4-3-2-1"),
])
def test_masks_phone_numbers_in_text(content: Content, text: str, expected: str) -> None:
    assert Masker.for_content(content).mask(text) == expected


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

    safe = share_safe_draft(draft, Masker.for_content(content))

    assert (safe.substance, safe.substance_text) == ("", "")
    assert safe.display_name == "Alex"
    assert safe.medical == () and safe.therapy is None and safe.harm_reduction == ()
    assert safe.next_steps == () and safe.safety_steps == () and safe.safety_credit == ""
    assert all(c.phone == "" for c in safe.contacts)
    assert [c.name for c in safe.contacts] == [c.name for c in draft.contacts]
    assert safe.reasons == (Line(f"{SUBSTANCE_MASK} took my evenings"),)
    assert all(t.because == "" for t in safe.triggers)
    assert safe.triggers[0].text == f"Being alone with {SUBSTANCE_MASK} within reach"
    # Ids, dates and versions are kept as they are.
    assert (safe.goal, safe.review_date, safe.content_version, safe.crisis_locale) == (
        draft.goal, draft.review_date, draft.content_version, draft.crisis_locale)
    assert [t.rank for t in safe.triggers] == [t.rank for t in draft.triggers]


def test_the_wallet_version_keeps_contacts_numbers(
        content: Content, make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft()

    safe = share_safe_draft(draft, Masker.for_content(content), keep_phones=True)

    assert [c.phone for c in safe.contacts] == [c.phone for c in draft.contacts]
    assert SUBSTANCE_MASK in safe.triggers[0].text


def test_crisis_lines_keep_their_numbers_and_lose_substance_names(content: Content) -> None:
    masker = Masker.for_content(content)
    for locale in content.crisis_locales:
        safe = share_safe_locale(locale, masker)
        words = " ".join(f"{r.name} {r.description}" for r in safe.resources).lower()

        assert not set(re.findall(r"[a-z]+", words)) & (option_words(content) - {"substance"})
        assert [r.contacts for r in safe.resources] == [r.contacts for r in locale.resources]


def regex_masker(terms: tuple[str, ...]) -> re.Pattern[str]:
    """The masking as it first was, one regex (quadratic on long words): the reference the
    word-by-word masker must agree with."""
    def pattern(term: str) -> str:
        stem = term[:-1] if term.endswith("s") and len(term) > 4 else term
        if len(stem) >= 6:
            return rf"\w*{re.escape(stem)}\w*"
        return rf"\b{re.escape(stem)}(?:s|es)?\b"
    return re.compile("|".join(pattern(t) for t in terms), re.IGNORECASE)


def test_masking_means_what_the_single_regex_meant(content: Content) -> None:
    terms = substance_terms(content)
    reference = regex_masker(terms)
    words = [w for t in terms for w in (t, t.upper(), t.title(), f"{t}s", f"{t}es", f"es{t}",
                                         f"{t}ish", f"x{t}", f"{t[:-1]}", f"{t}_1", f"{t}'s")]
    words += ["method", "OK", "kettle", "hashtag", "K-hole", "the", "Anonymous", "3-MMC"]
    for n in range(0, len(words), 7):
        text = " ".join(words[n:n + 7]) + ", and (" + "-".join(words[n:n + 3]) + ")."

        assert Masker(terms).mask_substances(text) == reference.sub(SUBSTANCE_MASK, text), text


def test_masking_takes_time_in_proportion_to_the_text(content: Content) -> None:
    """A long unbroken word used to cost time in the square of its length (a 500-letter word
    17 ms, 10,000 letters about 7 s); a whole 256 KB plan must mask in well under a second."""
    masker = Masker.for_content(content)
    texts = ["W" * 500] * 40 + ["W" * 10_000, "ketamine" * 1_000]

    started = time.perf_counter()
    masked = [masker.mask(t) for t in texts]
    elapsed = time.perf_counter() - started

    assert masked[:41] == texts[:41] and masked[41] == SUBSTANCE_MASK
    assert elapsed < 0.5, f"masking took {elapsed:.2f} s"
