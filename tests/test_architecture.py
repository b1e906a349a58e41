"""The pure domain packages stay pure: no web, database or PDF imports, and no eval/exec.

Read with `ast`, so a forbidden import is caught even inside a function or behind a
TYPE_CHECKING guard, without importing anything.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).parents[1] / "recovery"
PURE_PACKAGES = ("content", "screening", "planning")
PURE_MODULES = ("text.py", "strict.py")  # typed text; pydantic errors as messages
FORBIDDEN_MODULES = (
    "flask", "wtforms", "flask_wtf", "sqlmodel", "sqlalchemy", "weasyprint",
    "recovery.db", "recovery.models",
)
FORBIDDEN_CALLS = ("eval", "exec")


def pure_files() -> list[Path]:
    return sorted(
        [path
         for package in PURE_PACKAGES
         if (PACKAGE_DIR / package).is_dir()
         for path in (PACKAGE_DIR / package).rglob("*.py")]
        + [PACKAGE_DIR / name for name in PURE_MODULES]
    )


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every module named by an import, with relative imports made absolute."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            found.add(target)
            # `from recovery import db` imports recovery.db.
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def forbidden_imports(source: str, module: str, is_package: bool = False) -> list[str]:
    tree = ast.parse(source)
    return sorted(
        name
        for name in imported_modules(tree, module, is_package)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_MODULES)
    )


def forbidden_calls(source: str) -> list[str]:
    calls = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                func.attr if isinstance(func, ast.Attribute) else "")
            if name in FORBIDDEN_CALLS:
                calls.append(f"{name}() on line {node.lineno}")
    return calls


def test_the_pure_packages_are_found() -> None:
    files = pure_files()
    names = {module_name(f) for f in files}

    assert {"recovery.content.loader", "recovery.screening.engine", "recovery.text"} <= names


@pytest.mark.parametrize("path", pure_files(), ids=lambda p: module_name(p))
def test_pure_module_imports_no_framework(path: Path) -> None:
    source = path.read_text(encoding="utf-8")

    assert forbidden_imports(source, module_name(path), path.name == "__init__.py") == []


@pytest.mark.parametrize("path", pure_files(), ids=lambda p: module_name(p))
def test_pure_module_calls_no_eval_or_exec(path: Path) -> None:
    assert forbidden_calls(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("import flask", ["flask"], id="import"),
        pytest.param("from flask import Flask", ["flask", "flask.Flask"], id="from-import"),
        pytest.param("import sqlalchemy.orm as orm", ["sqlalchemy.orm"], id="submodule"),
        pytest.param("def f():\n    from weasyprint import HTML\n",
                     ["weasyprint", "weasyprint.HTML"], id="inside-function"),
        pytest.param("from recovery import db", ["recovery.db"], id="app-db-module"),
        pytest.param("from recovery.models import Assessment", ["recovery.models",
                     "recovery.models.Assessment"], id="app-models"),
        pytest.param("from .. import models", ["recovery.models"], id="relative-import"),
        pytest.param("import flask_wtf\nimport wtforms", ["flask_wtf", "wtforms"], id="forms"),
        pytest.param("import flaskr\nfrom recovery.content import model", [],
                     id="similar-names-are-fine"),
    ],
)
def test_the_import_check_catches(source: str, expected: list[str]) -> None:
    assert forbidden_imports(source, "recovery.screening.engine") == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("eval('1')", ["eval() on line 1"], id="eval"),
        pytest.param("x = 1\nbuiltins.exec(code)", ["exec() on line 2"], id="attribute"),
        pytest.param("evaluate(x)\nre.compile('x')", [], id="similar-names-are-fine"),
    ],
)
def test_the_call_check_catches(source: str, expected: list[str]) -> None:
    assert forbidden_calls(source) == expected


# What importing a pure module loads, checked in a fresh interpreter: the ast check above sees
# a module's own imports, this sees what Python really loads on the way (package __init__s).
LOADED_FRAMEWORKS = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
frameworks = {"flask", "flask_wtf", "wtforms", "sqlmodel", "sqlalchemy", "weasyprint"}
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & frameworks)))
"""


@pytest.mark.parametrize("module", ["recovery.screening.engine", "recovery.planning.build",
                                    "recovery.content.loader", "recovery.text"])
def test_importing_a_pure_module_loads_no_framework(module: str) -> None:
    run = subprocess.run([sys.executable, "-c", LOADED_FRAMEWORKS, module],
                         cwd=PACKAGE_DIR.parent, capture_output=True, text=True, check=True)

    assert json.loads(run.stdout) == []


def test_blueprints_are_imported_by_create_app_not_by_the_package() -> None:
    tree = ast.parse((PACKAGE_DIR / "__init__.py").read_text(encoding="utf-8"))
    top_level = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]

    assert all(isinstance(node, ast.ImportFrom) and node.module in {"collections.abc", "typing"}
               for node in top_level)
