"""Fixtures for the pure screening tests: the real seed content, loaded once without Flask."""

from pathlib import Path

import pytest

from recovery.content.loader import load_content
from recovery.content.model import Content

SEEDS_DIR = Path(__file__).parents[2] / "seeds"


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(SEEDS_DIR)
