"""Regenerate the generated parts of README.md from the data (the coverage section).

    python scripts/update_readme.py                 # rewrite README.md in place (counted this year)
    python scripts/update_readme.py --check         # exit 1 when README.md is out of date
    python scripts/update_readme.py --check PATH    # the same for another copy of the README

The section states the year its figure ages were counted in ("Counted in 2026 by …"); ``--check`` counts
again in that year, so the check fails only when the data changed, not when the calendar did. Rewriting
counts in the current year.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from clusteratlas.atlas import load_atlas
from clusteratlas.coverage import coverage_markdown

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- coverage:start -->", "<!-- coverage:end -->"
BLOCK_RE = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
AS_OF_RE = re.compile(r"Counted in (\d{4}) by")


def stated_year(text: str) -> int | None:
    """The year the README's coverage section says it was counted in, or None."""
    block = BLOCK_RE.search(text)
    found = AS_OF_RE.search(block.group(0)) if block else None
    return int(found.group(1)) if found else None


def render(text: str, as_of: int | None = None) -> str:
    """``text`` with its coverage block regenerated from the shipped data, figure ages counted in ``as_of``."""
    if not BLOCK_RE.search(text):
        raise SystemExit(f"README has no {START} … {END} block")
    block = f"{START}\n{coverage_markdown(load_atlas(), as_of=as_of)}{END}"
    return BLOCK_RE.sub(lambda _: block, text)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    path = Path(paths[0]) if paths else README
    text = path.read_text("utf-8")
    if check:
        if render(text, as_of=stated_year(text)) != text:
            print(f"{path.name} coverage section is out of date: run python scripts/update_readme.py",
                  file=sys.stderr)
            return 1
        return 0
    path.write_text(render(text), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
