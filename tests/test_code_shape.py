"""The shape targets of the code (issue 14), measured with `ast` over `recovery/`: no module over
400 lines, functions short (90% at most 15 lines, none over 50) and views thin (at most 25
lines). Migrations are left out: they are written once and never change."""

import ast
import statistics
from collections.abc import Iterator
from pathlib import Path

PACKAGE_DIR = Path(__file__).parents[1] / "recovery"
MAX_MODULE_LINES = 400
P90_FUNCTION_LINES = 15
MAX_FUNCTION_LINES = 50
MAX_VIEW_LINES = 25
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}

Function = ast.FunctionDef | ast.AsyncFunctionDef


def modules() -> list[Path]:
    return sorted(path for path in PACKAGE_DIR.rglob("*.py") if "migrations" not in path.parts)


def functions(path: Path) -> Iterator[Function]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def lines(node: ast.AST) -> int:
    """From the `def` line to the last line of the body (decorators not counted)."""
    assert node.end_lineno is not None
    return node.end_lineno - node.lineno + 1


def is_view(node: Function) -> bool:
    """Decorated with `@<blueprint>.route(...)`, `.get(...)`, `.post(...)` and the like."""
    return any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
               and d.func.attr in ROUTE_DECORATORS for d in node.decorator_list)


def where(path: Path, node: Function) -> str:
    return f"{path.relative_to(PACKAGE_DIR.parent)}:{node.lineno} {node.name} ({lines(node)})"


def test_no_module_is_over_400_lines() -> None:
    long = [f"{path.relative_to(PACKAGE_DIR.parent)} ({n})" for path in modules()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not long


def test_functions_are_short() -> None:
    found = [(path, node) for path in modules() for node in functions(path)]
    assert len(found) > 100  # the walk found the package's functions
    p90 = statistics.quantiles([lines(node) for _path, node in found], n=10)[-1]
    assert p90 <= P90_FUNCTION_LINES
    assert not [where(path, node) for path, node in found if lines(node) > MAX_FUNCTION_LINES]


def test_views_are_thin() -> None:
    views = [(path, node) for path in modules() for node in functions(path) if is_view(node)]
    assert len(views) > 20  # the decorator match found the views
    assert not [where(path, node) for path, node in views if lines(node) > MAX_VIEW_LINES]
