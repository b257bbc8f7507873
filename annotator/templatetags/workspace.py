"""`{{ marker|marker_classes }}` for the Django templates that draw a tag marker (the tag
panel), as the Jinja2 fragment does (annotator.presenters.workspace)."""

from __future__ import annotations

from django import template

from annotator.presenters import workspace

register = template.Library()
register.filter("marker_classes", workspace.marker_classes)
