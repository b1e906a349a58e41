"""lexicon.yaml: the words the share-safe printouts never print, per substance (names, brand
names, street names, slang), and the neutral wording that takes their place.

Checked after the shape: every substance the questionnaire offers (but its "something else"
and its answer for using none, `subject_none`) has an entry and its own in-sentence name among
its terms; no substance the questionnaire doesn't know; no term listed twice; no term longer
than MAX_TERM_WORDS words; and no neutral wording that itself holds a term (the masking would
print what it hides).
"""

from typing import Annotated, Any

from pydantic import BeforeValidator

from recovery.content.model import Lexicon, LexiconTerm, Option, Questionnaire, lexicon_words
from recovery.content.reading import Entries, MappingOf, SeedProblem, Shape, Slug, Text, validate
from recovery.strict import Loc, problem

MAX_TERM_WORDS = 4
GROUPS = ("names", "brands", "street", "slang")


class SayShape(Shape):
    term: Text
    say: Text


def _entry(value: Any) -> Any:
    if isinstance(value, str):
        return {"term": value, "say": ""}
    if isinstance(value, dict) and "say" not in value:
        raise problem("missing key 'say' (a term on its own is written without a mapping)")
    return value


class TermShape(Shape):
    term: Text
    say: str = ""


Term = Annotated[TermShape, BeforeValidator(_entry)]


class SubstanceShape(Shape):
    names: Entries[Term]
    brands: list[Term] = []
    street: list[Term] = []
    slang: list[Term] = []


class WordingShape(Shape):
    substance: Text
    after_determiner: Text
    number: Text


class LexiconFile(Shape):
    wording: WordingShape
    determiners: Entries[Text]
    joiners: Entries[Text]
    substances: MappingOf[Slug, SubstanceShape]


def read_lexicon(data: Any, questionnaire: Questionnaire) -> Lexicon:
    shape = validate(LexiconFile, data)
    terms = read_terms(shape)
    check_substances(shape, terms, questionnaire)
    lexicon = Lexicon(
        substance_wording=shape.wording.substance,
        after_determiner=shape.wording.after_determiner,
        number_wording=shape.wording.number,
        determiners=frozenset(d.casefold() for d in shape.determiners),
        joiners=frozenset(read_joiner(j, ("joiners", i)) for i, j in enumerate(shape.joiners)),
        terms=tuple(term for term, _ in terms))
    check_wording(shape, lexicon, terms)
    return lexicon


def read_terms(shape: LexiconFile) -> list[tuple[LexiconTerm, Loc]]:
    """Every term with its place, refusing a term listed twice."""
    found: list[tuple[LexiconTerm, Loc]] = []
    seen: dict[tuple[str, ...], Loc] = {}
    for substance, entry in shape.substances.items():
        for group in GROUPS:
            for index, term in enumerate(getattr(entry, group)):
                at: Loc = ("substances", substance, group, index)
                words = term_words(term.term, at)
                if words in seen:
                    raise SeedProblem(at, f"{term.term!r} is listed already")
                seen[words] = at
                found.append((LexiconTerm(words, substance, term.say.strip()), at))
    return found


def term_words(term: str, at: Loc) -> tuple[str, ...]:
    words = lexicon_words(term)
    if not words or len(words) > MAX_TERM_WORDS:
        raise SeedProblem(at, f"a term is 1 to {MAX_TERM_WORDS} words (letters and digits)")
    return words


def read_joiner(joiner: str, at: Loc) -> str:
    if len(joiner) == 1 and not joiner.isalnum():
        return joiner
    if lexicon_words(joiner) == (joiner.casefold(),):
        return joiner.casefold()
    raise SeedProblem(at, f"{joiner!r}: a joiner is one word or one punctuation mark")


def check_substances(shape: LexiconFile, terms: list[tuple[LexiconTerm, Loc]],
                     questionnaire: Questionnaire) -> None:
    options = questionnaire.items[questionnaire.subject_item].options
    known = {o.id: o for o in options if o.in_text != questionnaire.subject_fallback
             and o.id != questionnaire.subject_none}
    for substance in shape.substances:
        if substance not in known:
            raise SeedProblem(("substances", substance),
                              f"not a substance the questionnaire offers "
                              f"({', '.join(known)})")
    for option in known.values():
        if option.id not in shape.substances:
            raise SeedProblem(("substances",), f"missing the questionnaire's {option.id!r}")
        check_named_in_terms(option, terms)


def check_named_in_terms(option: Option, terms: list[tuple[LexiconTerm, Loc]]) -> None:
    """The questionnaire's name for the substance (`in_text`) is among its terms."""
    mine = {form for t, _ in terms if t.substance == option.id for form in plural_forms(t.words)}
    if lexicon_words(option.in_text) not in mine:
        raise SeedProblem(("substances", option.id),
                          f"{option.in_text!r}, the questionnaire's name for it, is not "
                          "among its terms")


def check_wording(shape: LexiconFile, lexicon: Lexicon,
                  terms: list[tuple[LexiconTerm, Loc]]) -> None:
    """No neutral wording may hold a term: it would print what it stands in for."""
    wording: list[tuple[str, Loc]] = [
        (shape.wording.substance, ("wording", "substance")),
        (shape.wording.after_determiner, ("wording", "after_determiner")),
        (shape.wording.number, ("wording", "number")),
        *((term.say, (*at, "say")) for term, at in terms if term.say)]
    for text, at in wording:
        held = held_term(lexicon_words(text), lexicon)
        if held:
            raise SeedProblem(at, f"the wording {text!r} holds the term {' '.join(held)!r}")


def held_term(words: tuple[str, ...], lexicon: Lexicon) -> tuple[str, ...]:
    """The first term found in `words` (with a plural ending), or ()."""
    forms = {form for term in lexicon.terms for form in plural_forms(term.words)}
    for start in range(len(words)):
        for length in range(1, MAX_TERM_WORDS + 1):
            if words[start:start + length] in forms:
                return words[start:start + length]
    return ()


def plural_forms(words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """A term as written, and with -s and -es on its last word."""
    head, last = words[:-1], words[-1]
    return (words, (*head, last + "s"), (*head, last + "es"))
