"""The class page's join links: the join page's address with a code filled in, and the
same address as a QR code (segno, drawn as SVG on the server: no script, no image
service), for students to open or scan."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def join_link(context, join_code) -> str:
    """The absolute address of the join page with `join_code` filled in."""
    path = reverse("class-join") + "?" + urlencode({"code": join_code.display})
    return context["request"].build_absolute_uri(path)


@register.filter
def qr_svg(link: str) -> SafeString:
    """`link` as a QR code: an inline SVG image, black on white with the quiet zone that
    phone cameras need, labelled for screen readers."""
    svg = segno.make(link, error="m", micro=False).svg_inline(
        scale=4, border=4, dark="#000", light="#fff", svgclass="qr"
    )
    label = escape(f"QR code of the join link {link}")
    # segno writes the SVG itself: nothing of `link` is in it but the modules.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))
