"""How the services' errors read on one line (command output, import summaries)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def one_line(exc: ValidationError) -> str:
    """A ValidationError as "field: message; other: message" (or its plain messages)."""
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(m for e in errors for m in e.messages)}"
            for field, errors in exc.error_dict.items()
        )
    return " ".join(exc.messages)


class Conflict(ValidationError):
    """A write refused until it is confirmed, because it would undo other people's work:
    the API answers 409 with `detail` (the message) and the fields of `extra`."""

    def __init__(self, message: str, *, code: str, extra: dict[str, object] | None = None):
        super().__init__(message, code=code)
        self.extra = dict(extra or {})
