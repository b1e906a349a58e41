"""crisis.yaml: crisis lines by country; every country needs an emergency number and a crisis
line, and every link is tel:, sms: or https://.
"""

import re

from recovery.content.model import (
    ContactMethod,
    CrisisLocale,
    CrisisResource,
)
from recovery.content.reading import Node, unique

HREF = re.compile(r"^(tel:\+?[0-9]+|sms:\+?[0-9]+(\?body=[A-Za-z0-9]+)?|https://[^\s\"'<>]+)$")


def read_crisis(root: Node) -> tuple[str, tuple[CrisisLocale, ...]]:
    top = root.mapping(["default_locale", "locales"])
    locales = []
    nodes = top["locales"].list()
    for node in nodes:
        f = node.mapping(["id", "name", "resources"])
        resources = []
        res_nodes = f["resources"].list()
        for res_node in res_nodes:
            rf = res_node.mapping(["id", "name", "kind", "description", "contacts"])
            contacts = []
            for con_node in rf["contacts"].list():
                cf = con_node.mapping(["method", "value", "href"], ["note"])
                href = cf["href"].text()
                if not HREF.match(href):
                    raise cf["href"].fail("href must be tel:, sms: or an https:// address")
                contacts.append(ContactMethod(
                    method=cf["method"].choice(("call", "text", "chat")),
                    value=cf["value"].text(), href=href,
                    note=cf["note"].text() if "note" in cf else ""))
            resources.append(CrisisResource(
                id=rf["id"].slug(), name=rf["name"].text(),
                kind=rf["kind"].choice(("emergency", "crisis", "referral")),
                description=rf["description"].text(), contacts=tuple(contacts)))
        unique(res_nodes, [r.id for r in resources], "resource")
        if not any(r.kind == "emergency" for r in resources):
            raise f["resources"].fail("every locale needs an emergency resource")
        if not any(r.kind == "crisis" for r in resources):
            raise f["resources"].fail("every locale needs a crisis line")
        locale_id = f["id"].value
        if not isinstance(locale_id, str) or not re.match(r"^[A-Z]{2}$", locale_id):
            raise f["id"].fail("a locale id is a two-letter country code such as US")
        locales.append(CrisisLocale(id=locale_id, name=f["name"].text(),
                                    resources=tuple(resources)))
    unique(nodes, [loc.id for loc in locales], "locale")
    default = top["default_locale"].value
    if default not in {loc.id for loc in locales}:
        raise top["default_locale"].fail(f"unknown locale {default!r}")
    return str(default), tuple(locales)
