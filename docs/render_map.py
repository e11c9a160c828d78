"""Draw the example estate's map again everywhere it is shown: docs/ecosystem-map.md (Mermaid),
docs/ecosystem-map.dot and docs/ecosystem-map.svg (Graphviz), and the Mermaid map in README.md.

Run it from anywhere with govcheck installed (the SVG needs Graphviz's `dot`):

    python docs/render_map.py

tests/test_graph.py and tests/test_readme.py fail when any of these is out of date.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-23"          # the example estate is clean on this day (no review due yet)
OUTPUTS = {"markdown": "docs/ecosystem-map.md", "dot": "docs/ecosystem-map.dot",
           "svg": "docs/ecosystem-map.svg"}
README_MAP = re.compile(r"(<!-- map:start[^\n]*\n```mermaid\n).*?(```\n<!-- map:end -->)",
                        re.DOTALL)


def graph(*options: str) -> str:
    """`govcheck graph` on the example estate; its error message and exit code on failure."""
    done = subprocess.run([sys.executable, "-m", "govcheck", "graph", "--as-of", AS_OF, *options],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        sys.exit(done.returncode)
    return done.stdout


def main() -> None:
    for format_name, path in OUTPUTS.items():
        graph("--format", format_name, "--output", path)
        print(f"wrote {path}")
    readme = ROOT / "README.md"
    mermaid = graph()
    text, found = README_MAP.subn(lambda match: match[1] + mermaid + match[2],
                                  readme.read_text(encoding="utf-8"), count=1)
    if not found:
        sys.exit("README.md has no map between <!-- map:start --> and <!-- map:end -->")
    readme.write_text(text, encoding="utf-8")
    print("wrote README.md (the map between its markers)")


if __name__ == "__main__":
    main()
