"""A tagged PDF's structure tree read back with pikepdf, with the text of every element: what a
screen reader walks, in its reading order.

The text comes from the pages' marked content: each marked-content id (MCID) in a page's
content stream is decoded through its font's ToUnicode map and hung on the element that claims
it. Only what the tests need: the fonts WeasyPrint writes (Type0, two-byte Identity-H codes).
"""

import dataclasses
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pikepdf

HEADINGS = ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")


@dataclasses.dataclass
class Element:
    role: str  # "/H1", "/L", "/Table", ...
    attributes: pikepdf.Dictionary | None
    identifier: str
    parts: list["Element | str"]  # children and text, in reading order

    @property
    def children(self) -> list["Element"]:
        return [part for part in self.parts if isinstance(part, Element)]

    @property
    def text(self) -> str:
        """Every piece of text inside, in order, whitespace collapsed (pieces are the runs of
        text WeasyPrint draws, so a space joins them)."""
        pieces = (part if isinstance(part, str) else part.text for part in self.parts)
        return " ".join(" ".join(pieces).split())

    def walk(self) -> Iterator["Element"]:
        yield self
        for child in self.children:
            yield from child.walk()

    def all(self, *roles: str) -> list["Element"]:
        return [element for element in self.walk() if element.role in roles]


def unicode_map(font: pikepdf.Object) -> dict[bytes, str]:
    """Character code -> text, from the font's ToUnicode CMap (bfchar and bfrange)."""
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    mapping: dict[bytes, str] = {}

    def text(hexes: str) -> str:
        return bytes.fromhex(hexes).decode("utf-16-be")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, target in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[bytes.fromhex(code)] = text(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, target in re.findall(
                r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            start, width = int(low, 16), len(low) // 2
            for offset in range(int(high, 16) - start + 1):
                first = chr(ord(text(target)[0]) + offset)
                mapping[(start + offset).to_bytes(width, "big")] = first
    return mapping


def marked_texts(page: pikepdf.Page) -> dict[int, str]:
    """MCID -> the text drawn inside that marked-content sequence on this page."""
    fonts = {name: unicode_map(font) for name, font in page.Resources.get("/Font", {}).items()}
    texts: dict[int, list[str]] = {}
    open_ids: list[int | None] = []
    font: dict[bytes, str] = {}
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "BDC":
            properties = operands[1]
            mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            open_ids.append(None if mcid is None else int(mcid))
        elif op == "BMC":
            open_ids.append(None)
        elif op == "EMC":
            open_ids.pop()
        elif op == "Tf":
            font = fonts[str(operands[0])]
        elif op in ("Tj", "TJ") and open_ids and open_ids[-1] is not None:
            strings = operands[0] if op == "TJ" else [operands[0]]
            for string in strings:
                if isinstance(string, pikepdf.String):
                    raw = bytes(string)
                    texts.setdefault(open_ids[-1], []).append("".join(
                        font.get(raw[i:i + 2], "\ufffd") for i in range(0, len(raw), 2)))
    return {mcid: "".join(parts) for mcid, parts in texts.items()}


@dataclasses.dataclass
class TaggedPdf:
    """The catalog's accessibility entries, the metadata and the structure tree."""

    pdf: pikepdf.Pdf
    root: Element

    @classmethod
    def open(cls, path: Path) -> "TaggedPdf":
        pdf = pikepdf.open(path)
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        texts = [marked_texts(page) for page in pdf.pages]

        def element(node: pikepdf.Dictionary, page: int) -> Element:
            if "/Pg" in node:
                page = pages[node.Pg.objgen]
            kids = node.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            parts: list[Element | str] = []
            for kid in kids:
                if isinstance(kid, int):
                    parts.append(texts[page].get(int(kid), ""))
                elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    parts.append(element(kid, page))
                elif isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid:
                    parts.append(texts[page].get(int(kid.MCID), ""))
            return Element(str(node.S), node.get("/A"), str(node.get("/ID", "")), parts)

        document = pdf.Root.StructTreeRoot.K[0]
        return cls(pdf, element(document, 0))

    @property
    def title(self) -> str:
        return str(self.pdf.docinfo.get("/Title", ""))

    @property
    def xmp_title(self) -> str:
        with self.pdf.open_metadata() as meta:
            return str(meta.get("dc:title", ""))

    @property
    def pdfua_part(self) -> str:
        with self.pdf.open_metadata() as meta:
            return str(meta.get("pdfuaid:part", ""))

    @property
    def language(self) -> str:
        return str(self.pdf.Root.get("/Lang", ""))

    @property
    def marked(self) -> bool:
        return bool(self.pdf.Root.MarkInfo.Marked)

    @property
    def displays_title(self) -> bool:
        return bool(self.pdf.Root.ViewerPreferences.DisplayDocTitle)

    def headings(self) -> list[tuple[int, str]]:
        return [(int(h.role[2]), h.text) for h in self.root.all(*HEADINGS)]


def reading(element: Element) -> Iterator[tuple[int, str]]:
    """The document in reading order as (heading level, text) for headings and (0, text) for
    every other run of text."""
    if element.role in HEADINGS:
        yield int(element.role[2]), element.text
        return
    for part in element.parts:
        if isinstance(part, Element):
            yield from reading(part)
        elif part.strip():
            yield 0, part


def empty_headings(root: Element) -> list[str]:
    """Headings with no text of their own before the next heading of the same or a higher
    rank (or the end): a title over nothing."""
    items = list(reading(root))
    empty = []
    for index, (level, text) in enumerate(items):
        if level:
            below = itertools.takewhile(lambda item, level=level: not 0 < item[0] <= level,
                                        items[index + 1:])
            if not text.strip() or not any(not lower for lower, _ in below):
                empty.append(text)
    return empty
