"""Errors a user can cause; the CLI turns each into one line and an exit code."""

from __future__ import annotations


class PlacewatchError(Exception):
    """Base class: a problem the user can fix, with a message that names the input."""

    exit_code = 1


class ConfigError(PlacewatchError):
    """Raised when the configuration file cannot be read or is not valid."""

    exit_code = 2


class UsageError(PlacewatchError):
    """Raised when a command-line argument is malformed or out of range (exit 2, as argparse does)."""

    exit_code = 2


class StoreError(PlacewatchError):
    """Raised when the store cannot be opened or reached (file, server, schema)."""


class QuerySyntaxError(PlacewatchError):
    """Raised when a search query cannot be parsed; the message says where."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.position = position


class InputError(PlacewatchError):
    """Raised when an input file or line (JSON Lines, CSV, page) is malformed."""


class AnalysisError(PlacewatchError):
    """Raised when documents cannot be analysed: an analysis process died (out of memory)."""
