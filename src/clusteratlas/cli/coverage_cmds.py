"""``clusteratlas sources``, ``stats`` and ``registers``: what the atlas rests on and what it covers."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from clusteratlas.cli._options import DataDirOption, FormatOption, OutputFormat, emit, require_points, resolve_format
from clusteratlas.cli.atlas_cmds import _atlas

REGISTER_COLUMNS = [("register_id", "register"), ("year", "year"), ("level", "level"), ("issuer", "issuer"),
                    ("listed", "listed"), ("entered", "entered"), ("clusters", "clusters"),
                    ("document_no", "document"), ("url", "list address"), ("read_at", "read at"),
                    ("validity", "valid")]
ENTRY_COLUMNS = [("line", "list wording"), ("place", "place"), ("place_zh", "地名"), ("adcode", "adcode"),
                 ("industry", "industry"), ("cluster_id", "cluster"), ("confidence", "confidence"),
                 ("read_at", "read at")]


def sources_cmd(
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only sources of this kind (media, official …).")] = None,
    fmt: FormatOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """List the sources, with how many claims, titles, markets and clusters cite each.

    ``address`` is the original publisher's page; ``read at`` the copy the text was read on, when it was not
    read on the original.

    Example: clusteratlas sources --kind official
    """
    from clusteratlas.coverage import source_usage

    require_points(fmt, "Sources")
    rows = source_usage(_atlas(data_dir))
    if kind:
        rows = [r for r in rows if r["kind"] == kind]
    emit(rows, fmt, title="Sources", columns=[("source_id", "source"), ("publisher", "publisher"),
                                               ("date", "date"), ("kind", "kind"), ("claims", "claims"),
                                               ("clusters", "clusters"), ("url", "address"),
                                               ("read_at", "read at")])


def _stat_rows(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """One ``{measure, value, what it counts}`` row per count; the registers one per register."""
    from clusteratlas.coverage import MEASURES

    rows = []
    for key, value in stats.items():
        if key == "register_coverage":
            for rid, counts in value.items():
                rows.append({"measure": f"register {rid}", "value": f"{counts['entered']} / {counts['listed']}",
                             "meaning": "lines entered / lines listed"})
            continue
        if isinstance(value, list):
            value = ", ".join(value) or "none"
        elif isinstance(value, float):
            value = f"{value:.1%}"
        rows.append({"measure": key, "value": value, "meaning": MEASURES.get(key, "")})
    return rows


def stats_cmd(fmt: FormatOption = None, data_dir: DataDirOption = None) -> None:
    """Summarise coverage and sourcing: clusters, industries, provinces, claims and the share verified (the
    cited page's text was read and states the figure for that place and period), what clusters rest on,
    figure ages, markets, tiers and registers.

    Example: clusteratlas stats --format json
    """
    from clusteratlas.coverage import coverage_stats

    require_points(fmt, "Coverage figures")
    stats = coverage_stats(_atlas(data_dir))
    if resolve_format(fmt) is OutputFormat.table:
        emit(_stat_rows(stats), fmt, title="Atlas coverage")
    else:
        emit([stats], fmt)


def registers_cmd(
    register_id: Annotated[Optional[str], typer.Argument(
        help="A register id: list its lines entered so far (default: list the registers).")] = None,
    fmt: FormatOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """List the official cluster registers (MIIT, provincial, association lists) with how many of their lines
    the atlas holds, or one register's lines: the list's wording, place, industry, cluster, confidence.

    Example: clusteratlas registers miit-featured-sme-2024
    """
    from clusteratlas.coverage import register_coverage, register_entries

    require_points(fmt, "Registers")
    atlas = _atlas(data_dir)
    if register_id is None:
        emit(register_coverage(atlas), fmt, title="Registers: lines listed vs entered", columns=REGISTER_COLUMNS)
        return
    rows = register_entries(atlas, register_id)  # RegisterNotFound with suggestions for an unknown id
    emit(rows, fmt, title=f"Lines of {register_id} in the atlas", columns=ENTRY_COLUMNS,
         empty_message=f"No line of {register_id} has been entered yet.")


def register(app: typer.Typer) -> None:
    """Add ``sources``, ``stats`` and ``registers``."""
    app.command("sources")(sources_cmd)
    app.command("stats")(stats_cmd)
    app.command("registers")(registers_cmd)
