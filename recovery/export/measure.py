"""How much room each area of a rendered printout takes, read from WeasyPrint's laid-out boxes.

Each area (`data-area`) is an atomic box of fixed size with `overflow: hidden` (print.css):
WeasyPrint lays all of its content out, never splits it across pages, and clips what spills.
So one render tells, per area, whether everything fits (down and across) and how tall each
item (`data-item`) is; printout.keep_within then chooses whole items from those heights.
"""

import dataclasses
from collections.abc import Iterator

from weasyprint import Document
from weasyprint.formatting_structure import boxes

# Slack for rounding in the layout, in CSS px (1/96 in).
SLACK = 0.5


@dataclasses.dataclass
class AreaFit:
    room: float  # the area's content height
    used: float = 0.0  # from its top to the bottom of its lowest content
    too_wide: bool = False  # a line (a phone number, say) runs past its right edge
    sizes: dict[str, float] = dataclasses.field(default_factory=dict)  # item key -> height

    @property
    def fits(self) -> bool:
        return self.used <= self.room + SLACK and not self.too_wide


def measure(document: Document) -> dict[str, AreaFit]:
    """Every area of the document's pages, by its `data-area`."""
    found: dict[str, AreaFit] = {}
    for page in document.pages:
        for box in _walk(page._page_box):
            area = _attribute(box, "data-area")
            if area and isinstance(box, boxes.BlockContainerBox):
                found[area] = _measure_area(box)
    return found


def _measure_area(area: boxes.Box) -> AreaFit:
    top, left = area.content_box_y(), area.content_box_x()
    fit = AreaFit(room=area.height)
    counted: set[int] = set()  # an item's element: its inner boxes share it
    for box in _walk(area):
        if box is area:
            continue
        bottom = box.position_y + box.margin_height()
        fit.used = max(fit.used, bottom - top)
        if isinstance(box, boxes.TextBox) and box.position_x + box.width > left + area.width \
                + SLACK:
            fit.too_wide = True
        _add_item_height(box, fit.sizes, counted)
    return fit


def _add_item_height(box: boxes.Box, sizes: dict[str, float], counted: set[int]) -> None:
    """An item's block adds its height to the item's size, once per element."""
    key = _attribute(box, "data-item")
    if key and isinstance(box, boxes.BlockBox) and id(box.element) not in counted:
        counted.add(id(box.element))
        sizes[key] = sizes.get(key, 0.0) + box.margin_height()


def _walk(box: boxes.Box) -> Iterator[boxes.Box]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def _attribute(box: boxes.Box, name: str) -> str:
    element = getattr(box, "element", None)
    return "" if element is None else str(element.get(name) or "")
