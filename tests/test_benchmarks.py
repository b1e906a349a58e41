"""Every benchmark under benchmarks/ still works: each runs in its smoke mode (tiny sizes, a
few seconds, every code path and check, no targets judged) and must exit 0. A benchmark is a
script, not a test; this only makes sure none silently stops working."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[1]


def run_benchmark(script: str, *args: str, timeout: int = 300) -> str:
    # PYTHONPATH: hung_database.py borrows the frozen relay from the tests.
    done = subprocess.run([sys.executable, f"benchmarks/{script}", "--smoke", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output, output
    return output


def this_runs_database() -> str:
    """The database this test run uses: the benchmarks run on it too."""
    return os.environ.get("RECOVERY_TEST_DATABASE_URL") or "sqlite"


def test_the_load_benchmark_runs() -> None:
    output = run_benchmark("load_bench.py", "--database-url", this_runs_database())
    for phase in ("hello", "shell", "journey", "page", "submission"):
        assert f"\n{phase} " in output
    assert "every submitted screening stored exactly once: yes" in output


def test_the_pdf_benchmark_runs() -> None:
    """A typical plan and the worst case, each layout, WeasyPrint alone; every answer a PDF."""
    output = run_benchmark("pdf_bench.py")
    assert "worst case full" in output and "worst case wallet" in output


def test_the_scale_benchmark_runs() -> None:
    url = os.environ.get("RECOVERY_TEST_DATABASE_URL")
    where = ["--db", "postgresql", "--postgres-url", url] if url else ["--db", "sqlite"]
    output = run_benchmark("scale_bench.py", *where)
    assert ": PASS: 400 clients, 400 screenings" in output


@pytest.mark.postgres  # it freezes a relay in front of PostgreSQL
def test_the_hung_database_benchmark_runs(postgres_database_url: str) -> None:
    output = run_benchmark("hung_database.py", postgres_database_url)
    assert "pooled connection: 503" in output and "new connection: 503" in output
