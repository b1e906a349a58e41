"""One page of a longer list (the audit log, a caseload), with what the page links need."""

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    number: int  # 1-based
    size: int
    total: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.size))  # ceiling division; an empty list has 1 page

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.page_count


def page_number(raw: str) -> int | None:
    """A page number from the query string (1 to 999,999,999), or None if it isn't one."""
    if not raw.isascii() or not raw.isdigit() or not 1 <= len(raw) <= 9 or int(raw) < 1:
        return None
    return int(raw)
