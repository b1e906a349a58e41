"""A QR code of a private link, drawn on the server as inline SVG (segno), so a person can open
their saved result or plan on another device by pointing its camera at the screen: nothing to
type, and the link is never sent anywhere (no image service, no request at all)."""

import segno
from markupsafe import Markup, escape


def qr_svg(text: str, label: str) -> Markup:
    """`text` as a QR code: an `<svg role="img">` named by `label`, scaled by CSS (no size)."""
    code = segno.make(text, error="m", micro=False)
    svg = code.svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="qr-code",
                          omitsize=True)
    if not svg.startswith("<svg "):  # only if segno changed its output
        raise RuntimeError("segno's inline SVG does not start with <svg")
    # Text alternatives for screen readers; the link itself is written out beside the code.
    return Markup(f'<svg role="img" aria-label="{escape(label)}" ' + svg.removeprefix("<svg "))
