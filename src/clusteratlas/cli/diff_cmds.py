"""``clusteratlas diff OLD NEW``: what changed between two atlas data folders, for reviewers of data
contributions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from clusteratlas.cli._options import FormatOption, OutputFormat, emit, resolve_format

_VALUE_WIDTH = 120


def _short(value: Any) -> str:
    text = "∅" if value is None else repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"


def report_lines(rows: list[dict[str, Any]]) -> list[str]:
    """The changes as readable lines: records added and removed, then each changed record's fields."""
    if not rows:
        return ["No changes."]
    lines: list[str] = []
    current = None
    for r in rows:
        head = f"{r['what']} {r['id']}"
        if r["change"] in ("added", "removed") and r["what"] != "claim":
            lines.append(f"{'+' if r['change'] == 'added' else '-'} {head}")
            current = None
            continue
        owner = f"cluster {r['id']}" if r["what"] == "claim" else head
        if owner != current:
            lines.append(f"~ {owner}")
            current = owner
        if r["what"] == "claim" and r["change"] != "changed":
            lines.append(f"    {'+' if r['change'] == 'added' else '-'} claim {r['claim']}")
        else:
            mark = " (figure corrected)" if r["figure"] else ""
            label = f"claim {r['claim']}: {r['field']}" if r["what"] == "claim" else r["field"]
            lines.append(f"    {label}: {_short(r['old'])} → {_short(r['new'])}{mark}")
    return lines


def diff_cmd(
    old: Annotated[Path, typer.Argument(help="The data folder before (e.g. a checkout of main's src/clusteratlas/data).")],
    new: Annotated[Path, typer.Argument(help="The data folder after.")],
    fmt: FormatOption = None,
) -> None:
    """Compare two atlas data folders: clusters added, removed and changed (field by field), claims added,
    removed and changed with old → new values (corrected figures marked), and industries, sources, markets
    and register entries. Exit code 0 whether or not anything changed; 1 for a missing folder or invalid YAML.

    Example: clusteratlas diff ../main/src/clusteratlas/data src/clusteratlas/data
    """
    from clusteratlas.diff import diff_folders, summarise

    rows = diff_folders(old, new)
    if resolve_format(fmt) is OutputFormat.table:
        for line in report_lines(rows):
            typer.echo(line)
        s = summarise(rows)
        typer.echo(f"{len(s['clusters_added'])} cluster(s) added, {len(s['clusters_removed'])} removed, "
                   f"{len(s['clusters_changed'])} changed; {len(s['figures_corrected'])} figure(s) corrected.",
                   err=True)
        return
    emit(rows, fmt)


def register(app: typer.Typer) -> None:
    """Add ``diff``."""
    app.command("diff")(diff_cmd)
