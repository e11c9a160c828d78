"""Errors the user must fix, and the exit codes every command shares."""
from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3      # a bug in govcheck: the one line asks for a report


class GovcheckError(Exception):
    """Something stops govcheck doing its job: bad arguments, an invalid config, a missing
    git revision. Caught once at the command-line edge and printed as one line (exit 2)."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"
