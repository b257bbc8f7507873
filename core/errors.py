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
