"""Masking for the share-safe printouts: every substance name, brand, street name and slang
word in seeds/lexicon.yaml, and (on the handout) phone numbers typed into text, replaced by
neutral wording that still reads as a sentence.

    "90 days clean from coke, molly and Xanax bars" -> "90 days clean from the substance"
    "Being alone with ketamine within reach" -> "Being alone with the substance within reach"
    "Scared of another K-hole" -> "Scared of another blackout"

The result is a tuple of `Piece`s, so the preview page can mark what was masked and the PDF
prints the same words unmarked.

Speed: one token scan. The text is cut into words once (one regex over the text); at each word
a dict gives the terms that start with it (longest first), so the work is the text's length
times the longest term's word count (MAX_TERM_WORDS), whatever the lexicon's size. Phone
numbers are one more linear regex pass. No regex per term, and no backtracking inside words.
"""

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from recovery.content.model import LEXICON_WORD, Lexicon
from recovery.content.seedfiles.lexicon import plural_forms

# Between the words of a term: spaces, hyphens or underscores ("K-hole", "k hole", "k_hole").
TERM_GAP = re.compile(r"[\s\-\u2010\u2011\u2012\u2013_]+")
# Seven or more digits, with the usual separators: a phone number typed into free text.
PHONE_LIKE = re.compile(r"(?<![\w+(])[+(]?\d[\d ().-]{5,}\d(?!\w)")
MIN_PHONE_DIGITS = 7
# What may stand before a sentence's first word: its masked wording starts with a capital.
OPENERS = "\"'([{\u2018\u201c\u00ab*\u2022-\u2013\u2014 \t\r\n"
VOWELS = "aeiou"


@dataclass(frozen=True)
class Piece:
    """A run of printed text; `masked` if it stands in for what the lexicon hides."""

    text: str
    masked: bool = False


Masked = tuple[Piece, ...]


def plain(pieces: Iterable[Piece]) -> str:
    return "".join(p.text for p in pieces)


def marked(pieces: Iterable[Piece]) -> Markup:
    """The pieces as HTML, each masked one in a <mark>."""
    return Markup("").join(Markup("<mark>{}</mark>").format(p.text) if p.masked else escape(p.text)
                           for p in pieces)


@dataclass
class Span:
    start: int
    end: int
    wording: str
    first: int  # the index of its first word in the token list
    generic: bool = True  # the lexicon's wording for a substance, not a term's own


class Masker:
    """Masks text with one lexicon; `numbers` also masks phone numbers typed into text."""

    def __init__(self, lexicon: Lexicon, *, numbers: bool = True) -> None:
        self.lexicon, self.numbers = lexicon, numbers
        index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for term in lexicon.terms:
            for form in plural_forms(term.words):
                index.setdefault(form[0], []).append((form, term.say))
        for candidates in index.values():
            candidates.sort(key=lambda c: -len(c[0]))  # the longest term wins
        self.index = index

    def mask(self, text: str) -> str:
        return plain(self.pieces(text))

    def pieces(self, text: str) -> Masked:
        tokens = [(m.start(), m.end(), m.group().casefold())
                  for m in LEXICON_WORD.finditer(text)]
        spans = self._joined(text, self._term_spans(text, tokens))
        for span in spans:
            self._fit_wording(text, tokens, span)
        if self.numbers:
            spans = sorted(spans + self._number_spans(text, spans), key=lambda s: s.start)
        return _cut(text, spans)

    def _term_spans(self, text: str, tokens: list[tuple[int, int, str]]) -> list[Span]:
        spans: list[Span] = []
        i = 0
        while i < len(tokens):
            found = self._term_at(text, tokens, i)
            if found is None:
                i += 1
                continue
            length, say = found
            spans.append(Span(tokens[i][0], tokens[i + length - 1][1],
                              say or self.lexicon.substance_wording, i, generic=not say))
            i += length
        return spans

    def _term_at(self, text: str, tokens: list[tuple[int, int, str]], i: int
                 ) -> tuple[int, str] | None:
        for words, say in self.index.get(tokens[i][2], ()):
            end = i + len(words)
            if end <= len(tokens) and all(
                    tokens[i + k][2] == words[k]
                    and TERM_GAP.fullmatch(text, tokens[i + k - 1][1], tokens[i + k][0])
                    for k in range(1, len(words))):
                return len(words), say
        return None

    def _joined(self, text: str, spans: list[Span]) -> list[Span]:
        """Neighbours with the same wording joined only by "and", "or", commas... become one."""
        joined: list[Span] = []
        for span in spans:
            last = joined[-1] if joined else None
            if (last is not None and last.wording == span.wording
                    and self._only_joiners(text[last.end:span.start])):
                last.end = span.end
            else:
                joined.append(span)
        return joined

    def _only_joiners(self, between: str) -> bool:
        words = self.lexicon.joiners
        rest = LEXICON_WORD.sub(lambda m: "" if m.group().casefold() in words else "\0", between)
        return all(c.isspace() or c in words for c in rest)

    def _fit_wording(self, text: str, tokens: list[tuple[int, int, str]], span: Span) -> None:
        """After "a", "my", "the"...: the wording without its own article, and "a"/"an" made
        to agree; at a sentence's start, a capital."""
        before = tokens[span.first - 1] if span.first else None
        if before is not None and before[2] in self.lexicon.determiners \
                and not text[before[1]:span.start].strip():
            self._after_determiner(text, before, span)
        if _starts_sentence(text, span.start):
            span.wording = span.wording[:1].upper() + span.wording[1:]

    def _after_determiner(self, text: str, before: tuple[int, int, str], span: Span) -> None:
        """The wording without its own article; after "a"/"an", the span takes in the article,
        made to agree with the wording."""
        if span.generic:
            span.wording = self.lexicon.after_determiner
        if before[2] in ("a", "an"):
            article = "an" if span.wording[:1].lower() in VOWELS else "a"
            if text[before[0]].isupper():
                article = article.capitalize()
            span.wording = f"{article} {span.wording}"
            span.start = before[0]

    def _number_spans(self, text: str, taken: list[Span]) -> list[Span]:
        found = []
        starts = [s.start for s in taken]
        for match in PHONE_LIKE.finditer(text):
            digits = sum(c.isdigit() for c in match.group())
            # The one masked word that could overlap it: the last to start before it ends.
            near = bisect.bisect_left(starts, match.end()) - 1
            clear = near < 0 or taken[near].end <= match.start()
            if digits >= MIN_PHONE_DIGITS and clear:
                found.append(Span(match.start(), match.end(), self.lexicon.number_wording, -1,
                                  generic=False))
        return found


def _starts_sentence(text: str, at: int) -> bool:
    """Whether what stands before `at` (past spaces, quotes and brackets) ends a sentence.
    Walks back over those characters only, never copies the text: masking stays linear."""
    at -= 1
    while at >= 0 and text[at] in OPENERS:
        at -= 1
    return at < 0 or text[at] in ".!?"


def _cut(text: str, spans: list[Span]) -> Masked:
    pieces: list[Piece] = []
    at = 0
    for span in spans:
        if span.start > at:
            pieces.append(Piece(text[at:span.start]))
        pieces.append(Piece(span.wording, masked=True))
        at = span.end
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return tuple(pieces)
