"""Wires the validated content from seeds/ into the app (the Flask side of recovery.content).

The content is read once per process for each distinct set of seed files: every `create_app`
with the same files (one per test, one per gunicorn worker after a fork) shares the same
immutable Content instead of parsing and validating the YAML again.
"""

import hashlib
from pathlib import Path

from flask import Flask, current_app

from recovery.content.loader import MAX_FILE_BYTES, SEED_FILES, ContentError, load_content
from recovery.content.model import Content

EXTENSION_KEY = "recovery.content"
_loaded: dict[str, Content] = {}  # seed files' digest -> their content


def init_app(app: Flask) -> None:
    """Load and validate seeds/ once at start-up; broken content stops the app with a message."""
    seeds_dir = app.config["SEEDS_DIR"]
    try:
        app.extensions[EXTENSION_KEY] = load_content_once(seeds_dir)
    except ContentError as exc:
        raise SystemExit(f"recovery: the content in {seeds_dir} is invalid: {exc}") from None


def load_content_once(seeds_dir: str | Path) -> Content:
    """`load_content(seeds_dir)`, reusing an earlier result for byte-identical seed files.

    Keyed by the files' bytes, not their names or times, so an edited file is always read
    again and a copy of the seeds elsewhere is not. Broken content is never remembered.
    """
    digest = seeds_digest(Path(seeds_dir))
    if digest not in _loaded:
        _loaded[digest] = load_content(seeds_dir)
    return _loaded[digest]


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
