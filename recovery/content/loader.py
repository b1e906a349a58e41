"""Loads seeds/ and validates it strictly.

Unknown keys, dangling references, unordered thresholds and conditions that look ahead are all
errors. Each error names the file and the place inside it (for example
`questionnaire.yaml: steps[2].items[0].options[1]: unknown key 'scroe'`), so a broken file stops
start-up with a message a content editor can act on.

Each file is read by its module in seedfiles/: its shape (a pydantic model) first, then what
refers to other entries or files. The order below matters: a file may only refer to what the
files before it define (scales to questions, flags to scales, paths to flags, the plan and the
result's opening, summary.yaml, to all).
"""

import re
from pathlib import Path

from recovery.content.model import Content
from recovery.content.reading import MAX_FILE_BYTES, ContentError, read_seed_file
from recovery.content.seedfiles.crisis import read_crisis
from recovery.content.seedfiles.flags import read_flags
from recovery.content.seedfiles.paths import read_paths
from recovery.content.seedfiles.plan import read_plan
from recovery.content.seedfiles.questionnaire import read_questionnaire
from recovery.content.seedfiles.scoring import read_scales
from recovery.content.seedfiles.summary import read_summary

__all__ = ["MAX_FILE_BYTES", "SEED_FILES", "ContentError", "load_content"]

# Every file load_content reads, relative to the seeds directory.
SEED_FILES = ("VERSION", "questionnaire.yaml", "scoring.yaml", "flags.yaml", "paths.yaml",
              "crisis.yaml", "plan.yaml", "summary.yaml")


def read_version(seeds_dir: Path) -> str:
    path = seeds_dir / "VERSION"
    if not path.is_file():
        raise ContentError("VERSION", "", "file is missing")
    version = path.read_text(encoding="utf-8", errors="replace").strip()
    if not re.match(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,39}$", version):
        raise ContentError("VERSION", "line 1", f"{version!r} is not a version such as 2026.11-1")
    return version


def load_content(seeds_dir: str | Path) -> Content:
    """Read and validate every seed file; raise ContentError at the first problem."""
    seeds_dir = Path(seeds_dir)
    version = read_version(seeds_dir)
    questionnaire = read_seed_file(seeds_dir / "questionnaire.yaml", read_questionnaire)
    severity, scales = read_seed_file(seeds_dir / "scoring.yaml",
                                      lambda data: read_scales(data, questionnaire))
    flags = read_seed_file(seeds_dir / "flags.yaml",
                           lambda data: read_flags(data, questionnaire, scales))
    paths = read_seed_file(seeds_dir / "paths.yaml",
                           lambda data: read_paths(data, questionnaire, scales, flags))
    default_locale, locales = read_seed_file(seeds_dir / "crisis.yaml", read_crisis)
    plan = read_seed_file(seeds_dir / "plan.yaml",
                          lambda data: read_plan(data, questionnaire, scales, flags, paths))
    opening = read_seed_file(
        seeds_dir / "summary.yaml",
        lambda data: read_summary(data, questionnaire, scales, flags, paths))
    return Content(version=version, questionnaire=questionnaire, severity_scale=severity,
                   scales=scales, flags=flags, paths=paths, crisis_locales=locales,
                   default_locale=default_locale, plan=plan, opening=opening)

