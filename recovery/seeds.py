"""Wires the validated content from seeds/ into the app (the Flask side of recovery.content)."""

from flask import Flask, current_app

from recovery.content.loader import ContentError, load_content
from recovery.content.model import Content

EXTENSION_KEY = "recovery.content"


def init_app(app: Flask) -> None:
    """Load and validate seeds/ once at start-up; broken content stops the app with a message."""
    seeds_dir = app.config["SEEDS_DIR"]
    try:
        app.extensions[EXTENSION_KEY] = load_content(seeds_dir)
    except ContentError as exc:
        raise SystemExit(f"recovery: the content in {seeds_dir} is invalid: {exc}") from None


def current_content() -> Content:
    content: Content = current_app.extensions[EXTENSION_KEY]
    return content
