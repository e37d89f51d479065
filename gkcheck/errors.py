"""The tool's own error type: every failure a user sees is one of these, with a Chinese message."""

from __future__ import annotations


class GkError(Exception):
    """A problem with one input file or with the command line; `message` is shown to the user."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        from gkcheck.terminal import display_name

        return f"{display_name(self.path)}：{self.message}" if self.path else self.message


class ReadError(GkError):
    """The input could not be read as a report (empty, corrupt, encrypted, too large, unsupported…)."""


class RuleError(GkError):
    """A rule file or scoring profile is invalid."""
