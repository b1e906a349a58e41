"""Optional encryption at rest of free text and clinical data: counselors' notes (on screenings
and on consent) and reasons, client screenings (answers, result, scores, the chosen path), and
plan text (every plan revision, which holds contacts, reasons and steps).

Off unless the instance config lists keys:

    ENCRYPTION_KEYS = ["<key from `flask --app recovery new-encryption-key`>"]

The first key encrypts; every key listed decrypts (Fernet: AES-128-CBC with an HMAC-SHA256).
To rotate, put a new key first, keep the old ones after it, run
`flask --app recovery reseal`, then drop the old keys. `reseal` also encrypts rows written
before encryption was switched on. Values are marked, so plain and sealed rows can live side by
side while that happens.

The columns use the types below, so stores and views read and write plain values and never see
the ciphertext. Keys are read from the current app; outside an app context nothing is sealed.
"""

import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app, has_app_context
from sqlalchemy import JSON, Dialect, Text
from sqlalchemy.types import TypeDecorator

CONFIG_KEY = "ENCRYPTION_KEYS"
TEXT_PREFIX = "sealed:v1:"
JSON_KEY = "sealed:v1"


class SealedDataError(RuntimeError):
    """A sealed value that none of the configured keys opens."""


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def key_problem(keys: object) -> str | None:
    """Why ENCRYPTION_KEYS can't be used, or None if it can (an empty list is fine: off)."""
    if not isinstance(keys, list | tuple) or not all(isinstance(k, str) for k in keys):
        return f"{CONFIG_KEY} must be a list of keys (strings)"
    for index, key in enumerate(keys):
        try:
            Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            return (f"{CONFIG_KEY}[{index}] is not a valid key: make one with "
                    "`flask --app recovery new-encryption-key`")
    return None


@lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode("ascii")) for key in keys])


def current_keys() -> tuple[str, ...]:
    if not has_app_context():
        return ()
    return tuple(current_app.config.get(CONFIG_KEY) or ())


def seal(text: str) -> str:
    keys = current_keys()
    if not keys:
        return text
    return TEXT_PREFIX + _cipher(keys).encrypt(text.encode("utf-8")).decode("ascii")


def unseal(stored: str) -> str:
    if not stored.startswith(TEXT_PREFIX):
        return stored  # written before encryption was switched on
    keys = current_keys()
    if not keys:
        raise SealedDataError(f"this value is encrypted, but {CONFIG_KEY} is empty")
    try:
        return _cipher(keys).decrypt(stored[len(TEXT_PREFIX):].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise SealedDataError(f"none of the keys in {CONFIG_KEY} opens this value; was a key "
                              "dropped before `flask --app recovery reseal` ran?") from None


class SealedText(TypeDecorator[str]):
    """Text, encrypted at rest when keys are configured."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else unseal(value)


class SealedJSON(TypeDecorator[Any]):
    """JSON, stored as {"sealed:v1": "<ciphertext>"} when keys are configured."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or not current_keys():
            return value
        return {JSON_KEY: seal(json.dumps(value, ensure_ascii=False))}

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, dict) and set(value) == {JSON_KEY}:
            return json.loads(unseal(value[JSON_KEY]))
        return value
