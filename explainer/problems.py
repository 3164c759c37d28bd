"""Problems found in the editors' files, and the one error that reports them all.

A problem reads `path:line: subject: what is wrong`; the error lists every problem in line
order after a one-line header, so an editor fixes them all in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.subject}: {self.message}"


class ClaimsError(Exception):
    """Raised with every problem of the claims data, sources, article and page markers."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the explainer's data:"
        super().__init__("\n".join([header, *map(str, self.problems)]))
