"""Words true for every reader of the questionnaire (issue 16): the same steps are read by a
person screening themselves, anonymously, and read aloud by a counselor to a client whose name
is on the record. A sentence that is true only for the first ("This check is private and
anonymous", "Nothing here is shared with anyone") is marked `self_only` where it is written,
and counselors get their own words for it under `counselor:`:

    intro: This check is private and anonymous ...
    self_only: [intro]
    counselor:
      intro: What you tell me is recorded in your file here ...

Checked at start-up, with the file and the place: a field marked self_only has its counselor
words and only those fields have them; and no wording shown to counselors (a step's intro, a
question, its hint, an option) makes a promise only an anonymous self-screening can keep (the
phrases below), unless it is marked self_only and has counselor words of its own.
"""

from typing import Any

from recovery.content.reading import SeedProblem
from recovery.strict import Loc

# Promises untrue for an identified client whose answers a counselor records. Matched without
# regard to case; anything shown to counselors must not contain them.
UNTRUE_FOR_A_CLIENT = ("anonymous", "your name", "in this browser", "shared with anyone",
                       "nothing here is shared", "only you can", "nobody else", "no one else")


def untrue_phrase(words: str) -> str | None:
    lowered = words.lower()
    return next((phrase for phrase in UNTRUE_FOR_A_CLIENT if phrase in lowered), None)


def counselor_words(own: dict[str, str], self_only: list[str], counselor: Any, at: Loc
                    ) -> dict[str, str]:
    """The counselor's words for each field of `own` ({"intro": ...} of a step, {"text": ...,
    "hint": ...} of a question) marked `self_only`; checked as the module says."""
    given = {name: value for name, value in dict(counselor or {}).items() if value}
    check_self_only(own, self_only, given, at)
    check_given(given, self_only, at)
    for name, value in own.items():
        if name not in self_only:
            check_true_for_clients(value, (*at, name), markable=True)
    return given


def check_self_only(own: dict[str, str], self_only: list[str], given: dict[str, str], at: Loc
                    ) -> None:
    """Every field marked self_only has words of its own and the counselor's words for it."""
    for name in self_only:
        if not own.get(name):
            raise SeedProblem((*at, "self_only"), f"{name!r} is marked self_only, but there is "
                              f"no {name} to replace")
        if name not in given:
            raise SeedProblem(at, f"{name!r} is marked self_only: give counselors their own "
                              f"words for it under counselor: {name}")


def check_given(given: dict[str, str], self_only: list[str], at: Loc) -> None:
    """The counselor's words replace only fields marked self_only, and are true for clients."""
    for name, value in given.items():
        if name not in self_only:
            raise SeedProblem((*at, "counselor", name), f"only words marked self_only get "
                              f"counselor words: add {name!r} to self_only, or remove this")
        check_true_for_clients(value, (*at, "counselor", name))


def check_true_for_clients(words: str, at: Loc, *, markable: bool = False) -> None:
    phrase = untrue_phrase(words)
    if phrase is None:
        return
    remedy = (f"mark {at[-1]!r} self_only and give counselors their own words under counselor:"
              if markable else "reword it")
    raise SeedProblem(at, f"{phrase!r} is untrue for a client a counselor screens, who is "
                      f"named on the record: {remedy}")
