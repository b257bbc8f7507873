"""The gradebook as CSV, safe to open in a spreadsheet.

A text cell that a spreadsheet would read as a formula (CSV injection: a student's name
such as "=HYPERLINK(...)") gets a leading single quote (core.spreadsheet).
Numbers stay numbers (a negative kappa is a number, not a formula)."""

from __future__ import annotations

import csv
from collections.abc import Sequence

from django.http import HttpResponse

from classroom.selectors.assignments import AssignmentData
from classroom.selectors.results import gradebook_header, gradebook_rows
from core.spreadsheet import safe_cell


def gradebook_response(
    datas: Sequence[AssignmentData], *, filename: str, time_zone: str = "UTC"
) -> HttpResponse:
    """The CSV download: a header row, then one row per student and assignment, times
    in the class's `time_zone`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(gradebook_header(time_zone))
    for row in gradebook_rows(datas, time_zone=time_zone):
        writer.writerow([safe_cell(cell) for cell in row])
    return response
