"""``clusteratlas sources`` and ``clusteratlas stats``: what the atlas rests on and what it covers."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from clusteratlas.cli._options import DataDirOption, FormatOption, emit, require_points
from clusteratlas.cli.atlas_cmds import _atlas


def sources_cmd(
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only sources of this kind (media, official …).")] = None,
    fmt: FormatOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """List the sources, with how many claims, titles, markets and clusters cite each.

    Example: clusteratlas sources --kind official
    """
    from clusteratlas.coverage import source_usage

    require_points(fmt, "Sources")
    rows = source_usage(_atlas(data_dir))
    if kind:
        rows = [r for r in rows if r["kind"] == kind]
    emit(rows, fmt, title="Sources", columns=[("source_id", "source"), ("publisher", "publisher"),
                                               ("date", "date"), ("kind", "kind"), ("claims", "claims"),
                                               ("clusters", "clusters"), ("url", "address")])


def stats_cmd(fmt: FormatOption = None, data_dir: DataDirOption = None) -> None:
    """Summarise coverage: clusters, industries, provinces, claims and the share verified.

    Example: clusteratlas stats --format json
    """
    from clusteratlas.coverage import coverage_stats

    require_points(fmt, "Coverage figures")
    stats = coverage_stats(_atlas(data_dir))
    from clusteratlas.cli._options import OutputFormat, resolve_format

    if resolve_format(fmt) is OutputFormat.table:
        emit([{"measure": k, "value": v} for k, v in stats.items()], fmt, title="Atlas coverage")
    else:
        emit([stats], fmt)


def register(app: typer.Typer) -> None:
    """Add ``sources`` and ``stats``."""
    app.command("sources")(sources_cmd)
    app.command("stats")(stats_cmd)
