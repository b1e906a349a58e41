"""A real `ScreeningResult` for tests that need one to store (the stores take typed results)."""

import json
from pathlib import Path
from typing import Any

from flask import Flask

from recovery.screening.engine import screen
from recovery.screening.result import ScreeningResult

LOW_RISK_KETAMINE: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "low_risk_ketamine.json").read_text(encoding="utf-8"))


def low_risk_result(app: Flask) -> ScreeningResult:
    """The engine's result for tests/data/low_risk_ketamine.json, with this app's content."""
    return screen(LOW_RISK_KETAMINE, app.extensions["recovery.content"])
