"""The one guard against CSV injection, for every CSV the app writes (corpus exports,
gradebooks, framing figures): text that a spreadsheet would run as a formula gets a
leading apostrophe, so that it is shown as text.

A spreadsheet reads a cell as a formula when its first character is = + - @ (or a tab
or carriage return that it skips). It also folds full-width forms (`＝`) to ASCII and
ignores invisible characters (a zero-width space, a bidi mark) in front, so those are
looked through before the first character is checked.

A text that really begins with an apostrophe gets one more, so that it can be told from
a neutralised cell: dropping one leading `'` always gives the text back."""

from __future__ import annotations

import unicodedata

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _first_visible(text: str) -> str:
    for ch in text:
        if ch in "\t\r":
            return ch
        if unicodedata.category(ch) in {"Cf", "Zs", "Cc"}:
            continue  # invisible, a space, or a control character: skipped by the reader
        return unicodedata.normalize("NFKC", ch)[:1]
    return ""


def is_formula(text: str) -> bool:
    """Whether a spreadsheet could read `text` as a formula."""
    return _first_visible(text).startswith(FORMULA_START)


def safe_text(text: str | None) -> str:
    """The text as a cell shows it, never as a formula; one leading `'` more when it is
    neutralised or already begins with one (see the module)."""
    if not text:
        return ""
    return "'" + text if text.startswith("'") or is_formula(text) else text


def safe_cell(value: object) -> object:
    """A CSV cell: text as safe_text makes it; numbers stay numbers (a negative kappa is
    a number, not a formula); None is empty."""
    if value is None:
        return ""
    return safe_text(value) if isinstance(value, str) else value
