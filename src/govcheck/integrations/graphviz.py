"""Graphviz's `dot`, run as a program (never through a shell): DOT text in, a drawing out.

Graphviz is optional: only drawing a picture needs it, and its absence is a sentence that says
how to install it."""
from __future__ import annotations

import shutil
import subprocess

from govcheck.errors import GovcheckError

TIMEOUT_SECONDS = 60
_INSTALL = ("Graphviz's 'dot' is not on PATH: install Graphviz (apt-get install graphviz, "
            "brew install graphviz, winget install graphviz), or write DOT with --format dot "
            "and draw it elsewhere")


def render(dot_source: str, output_format: str) -> str:
    """The drawing of a DOT graph in a text format of Graphviz's (`svg`, `json`, `canon`)."""
    program = shutil.which("dot")
    if program is None:
        raise GovcheckError(_INSTALL)
    try:
        done = subprocess.run([program, f"-T{output_format}"], input=dot_source,
                              capture_output=True, text=True, encoding="utf-8",
                              timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise GovcheckError(f"Graphviz's dot took longer than {TIMEOUT_SECONDS} s to draw the "
                            "map") from None
    except OSError as error:
        raise GovcheckError(f"cannot run Graphviz's dot ({program}): {error.strerror}") from None
    if done.returncode != 0:
        reason = next(iter(done.stderr.strip().splitlines()), f"exit code {done.returncode}")
        raise GovcheckError(f"Graphviz's dot could not draw the map: {reason}")
    return done.stdout
