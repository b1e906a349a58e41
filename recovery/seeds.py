"""Wires the validated content from seeds/ into the app (the Flask side of recovery.content).

The content is read once per process for each distinct set of seed files and default country
(the CRISIS_LOCALE setting, whose variety of English fills in words.yaml's words): every
`create_app` with the same files (one per test, one per gunicorn worker after a fork) shares
the same immutable Content instead of parsing and validating the YAML again.
"""

import hashlib
from pathlib import Path

from flask import Flask, current_app

from recovery.content.loader import (
    MAX_FILE_BYTES,
    SEED_FILES,
    ContentError,
    UnknownCountry,
    load_content,
)
from recovery.content.model import Content

EXTENSION_KEY = "recovery.content"
_loaded: dict[tuple[str, str], Content] = {}  # (seed files' digest, country) -> content


def init_app(app: Flask) -> None:
    """Load and validate seeds/ once at start-up, in the words of the default country; broken
    content, or a CRISIS_LOCALE that crisis.yaml doesn't have, stops the app with a message."""
    seeds_dir, country = app.config["SEEDS_DIR"], app.config["CRISIS_LOCALE"]
    try:
        content = load_content_once(seeds_dir, country)
    except ContentError as exc:
        raise SystemExit(f"recovery: the content in {seeds_dir} is invalid: {exc}") from None
    except UnknownCountry as exc:
        raise SystemExit(
            f"recovery: the CRISIS_LOCALE setting is {exc.country!r}, which is not one of the "
            f"countries in {Path(seeds_dir) / 'crisis.yaml'}: {', '.join(exc.countries)}. Set "
            "RECOVERY_CRISIS_LOCALE (or CRISIS_LOCALE in instance/config.py) to one of them."
        ) from None
    app.extensions[EXTENSION_KEY] = content
    app.jinja_env.globals["words"] = content.words


def load_content_once(seeds_dir: str | Path, country: str) -> Content:
    """`load_content(seeds_dir, country)`, reusing an earlier result for byte-identical seed
    files and the same country.

    Keyed by the files' bytes, not their names or times, so an edited file is always read
    again and a copy of the seeds elsewhere is not. Broken content is never remembered.
    """
    key = (seeds_digest(Path(seeds_dir)), str(country))
    if key not in _loaded:
        _loaded[key] = load_content(seeds_dir, country)
    return _loaded[key]


def seeds_digest(seeds_dir: Path) -> str:
    hasher = hashlib.sha256()
    for name in SEED_FILES:
        path = seeds_dir / name
        # Missing and oversized files get markers (load_content refuses them) rather than bytes.
        if not path.is_file():
            data = b"missing"
        elif path.stat().st_size > MAX_FILE_BYTES:
            data = b"too large"
        else:
            data = path.read_bytes()
        hasher.update(f"{name}\0{len(data)}\0".encode() + data)
    return hasher.hexdigest()


def current_content() -> Content:
    content: Content = current_app.extensions[EXTENSION_KEY]
    return content
