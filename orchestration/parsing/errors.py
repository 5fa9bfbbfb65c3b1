"""The one exception the parser raises for a file it will not read."""

from __future__ import annotations

__all__ = ["ParseError"]


class ParseError(Exception):
    """A file that is not a readable budget disclosure.

    ``reason`` is a short machine-friendly tag (``encrypted``, ``no_text_layer``,
    ``damaged``, ``not_a_budget``, ``missing_tables``, ``empty_file``, ``not_pdf``,
    ``unsupported_format``); ``str(err)`` is the one-line human explanation.
    """

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message
