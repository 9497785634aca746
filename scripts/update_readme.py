"""Regenerate the generated parts of README.md from the data (the coverage table).

    python scripts/update_readme.py          # rewrite README.md in place
    python scripts/update_readme.py --check  # exit 1 when README.md is out of date
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from clusteratlas.atlas import load_atlas
from clusteratlas.coverage import coverage_markdown

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- coverage:start -->", "<!-- coverage:end -->"


def render(text: str) -> str:
    block = f"{START}\n{coverage_markdown(load_atlas())}{END}"
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no {START} … {END} block")
    return pattern.sub(lambda _: block, text)


def main() -> int:
    text = README.read_text("utf-8")
    new = render(text)
    if "--check" in sys.argv:
        if new != text:
            print("README.md coverage table is out of date: run python scripts/update_readme.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
