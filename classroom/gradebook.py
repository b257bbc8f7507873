"""The gradebook as CSV, safe to open in a spreadsheet.

A cell that starts with = + - @, a tab or a carriage return would be read as a formula
(CSV injection: a student's name such as "=HYPERLINK(...)"); such text cells get a
leading single quote. Numbers stay numbers (a negative kappa is a number, not a
formula)."""

from __future__ import annotations

import csv
from collections.abc import Sequence

from django.http import HttpResponse

from classroom.results import GRADEBOOK_HEADER, gradebook_rows
from classroom.selectors import AssignmentData

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def gradebook_response(datas: Sequence[AssignmentData], *, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(GRADEBOOK_HEADER)
    for row in gradebook_rows(datas):
        writer.writerow([safe_cell(cell) for cell in row])
    return response
