"""The gradebook as CSV, safe to open in a spreadsheet.

A text cell that a spreadsheet would read as a formula (CSV injection: a student's name
such as "=HYPERLINK(...)") gets a leading single quote (core.spreadsheet).
Numbers stay numbers (a negative kappa is a number, not a formula)."""

from __future__ import annotations

import csv
from collections.abc import Sequence

from django.http import HttpResponse
from django.utils.timezone import localtime

from classroom.presenters.time_zones import zone
from classroom.selectors.assignments import AssignmentData
from classroom.selectors.results import kappa, score
from core.spreadsheet import safe_cell

# The rows -------------------------------------------------------------------------------

# Headers a spreadsheet user reads at a glance; what each percentage means is in the
# README ("Gradebook") and on the assignment page. The hand-in column names its zone.
GRADEBOOK_HEADER = [
    "Assignment",
    "Username",
    "Name",
    "Email",
    "Handed in ({zone})",
    "Sentences in key",
    "Answered",
    "Same as key",
    "Score %",
    "Agreement %",
    "Cohen kappa",
]


def gradebook_header(time_zone: str) -> list[str]:
    return [h.format(zone=time_zone) for h in GRADEBOOK_HEADER]


def gradebook_rows(
    datas: Sequence[AssignmentData], *, time_zone: str = "UTC"
) -> list[list[object]]:
    """One row per student and assignment: the figures of their feedback, the hand-in
    time in `time_zone` to the second (a spreadsheet reads "2026-12-02 17:31:05" as a
    date and time)."""
    tz = zone(time_zone)
    rows: list[list[object]] = []
    for data in datas:
        for student in data.students:
            result = score(data, student.pk)
            answered = data.answers.get(student.pk, {})
            n_answered = sum(1 for pk in data.key if pk in answered)
            submission = data.submissions.get(student.pk)
            rows.append(
                [
                    data.assignment.title,
                    student.get_username(),
                    student.get_full_name(),
                    student.email,
                    localtime(submission.submitted_at, tz).strftime("%Y-%m-%d %H:%M:%S")
                    if submission
                    else "",
                    result.keyed,
                    n_answered,
                    result.matches,
                    None if result.share is None else round(100 * result.share, 1),
                    None if not n_answered else round(100 * result.matches / n_answered, 1),
                    None if (k := kappa(data, student.pk)) is None else round(k, 3),
                ]
            )
    return rows


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
