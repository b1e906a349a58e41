"""crisis.yaml: crisis lines by country; every country needs an emergency number and a crisis
line, and every link is tel:, sms: or https://.
"""

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from recovery.content.model import (
    ContactMethod,
    CrisisLocale,
    CrisisResource,
)
from recovery.content.reading import (
    Entries,
    SeedProblem,
    Shape,
    Slug,
    Text,
    numbered,
    one_of,
    unique,
    validate,
)
from recovery.strict import Loc, problem

HREF = re.compile(r"^(tel:\+?[0-9]+|sms:\+?[0-9]+(\?body=[A-Za-z0-9]+)?|https://[^\s\"'<>]+)$")


def _href(value: str) -> str:
    if not HREF.match(value):
        raise problem("href must be tel:, sms: or an https:// address")
    return value


def country_code(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^[A-Z]{2}$", value):
        raise problem("a locale id is a two-letter country code such as US")
    return value


class ContactShape(Shape):
    method: Annotated[str, BeforeValidator(one_of(("call", "text", "chat")))]
    value: Text
    href: Annotated[Text, AfterValidator(_href)]
    note: Text = ""


class ResourceShape(Shape):
    id: Slug
    name: Text
    kind: Annotated[str, BeforeValidator(one_of(("emergency", "crisis", "referral")))]
    description: Text
    contacts: Entries[ContactShape]


class LocaleShape(Shape):
    id: Annotated[str, BeforeValidator(country_code)]
    name: Text
    resources: Entries[ResourceShape]


class CrisisFile(Shape):
    locales: Entries[LocaleShape]


def read_crisis(data: Any) -> tuple[CrisisLocale, ...]:
    """Every locale. Which one is the default is a setting (CRISIS_LOCALE), not content."""
    shape = validate(CrisisFile, data)
    for index, locale in enumerate(shape.locales):
        check_resources(locale.resources, ("locales", index, "resources"))
    unique(numbered(("locales",), (loc.id for loc in shape.locales)), "locale")
    return tuple(to_locale(locale) for locale in shape.locales)


def check_resources(resources: list[ResourceShape], at: Loc) -> None:
    unique(numbered(at, (r.id for r in resources)), "resource")
    if not any(r.kind == "emergency" for r in resources):
        raise SeedProblem(at, "every locale needs an emergency resource")
    if not any(r.kind == "crisis" for r in resources):
        raise SeedProblem(at, "every locale needs a crisis line")


def to_locale(locale: LocaleShape) -> CrisisLocale:
    return CrisisLocale(id=locale.id, name=locale.name, resources=tuple(
        CrisisResource(id=r.id, name=r.name, kind=r.kind, description=r.description,
                       contacts=tuple(ContactMethod(method=c.method, value=c.value,
                                                    href=c.href, note=c.note)
                                      for c in r.contacts))
        for r in locale.resources))
