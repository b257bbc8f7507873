"""`{{ value|or_empty }}`: the value, or the one placeholder for a missing value
(core.text.placeholder.EMPTY, an em dash)."""

from __future__ import annotations

from django import template

from core.text.placeholder import or_empty

register = template.Library()
register.filter("or_empty", or_empty)
