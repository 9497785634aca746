"""Commands over the atlas itself: ``find``, ``show``, ``list``, ``export``, ``validate``, ``sources``, ``stats``."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from clusteratlas.cli._options import DataDirOption, FormatOption, OutputFormat, emit, resolve_format


class ListWhat(str, Enum):
    industries = "industries"
    clusters = "clusters"
    groups = "groups"


def _atlas(data_dir: Path | None):
    from clusteratlas.atlas import load_atlas

    return load_atlas(data_dir)


def find_cmd(
    query: Annotated[str, typer.Argument(help="Product or place: 'wig', '假发', 'jiafa', 'HS 6704', 'Datang'.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help="At most this many results.")] = 10,
    industry: Annotated[Optional[str], typer.Option("--industry", help="Only this industry id.")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Show why each result ranked where it did.")] = False,
    semantic: Annotated[bool, typer.Option(
        "--semantic", help="Re-rank relevant industries with the multilingual model (extra 'semantic').")] = False,
    details: Annotated[bool, typer.Option(
        "--details", help="Also give each cluster's evidence, tier (statement, source) and markets (address, "
                          "hours or fair dates).")] = False,
    fmt: FormatOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Find the clusters that make a product, or the clusters at a place.

    Queries may be English, Chinese (simplified or traditional), pinyin, an HS code ("6704", "HS 9004.10"),
    and may name a place ("Xuchang wigs") or an intent ("cheap", "high quality", "wholesale").

    Example: clusteratlas find "lace front wig" --format json
    """
    from clusteratlas.cli._hot import run_find

    run_find(query, limit=limit, industry=industry, explain=explain, semantic=semantic, details=details, fmt=fmt,
             data_dir=data_dir)


def show_cmd(
    cluster_id: Annotated[str, typer.Argument(help="A cluster id, e.g. xuchang-wigs.")],
    fmt: FormatOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Everything known about one cluster: place, the evidence it rests on, tier with its source, claims with
    sources (stale figures marked), conflicts, titles, markets with address and hours or dates, notes.

    Example: clusteratlas show datang-socks
    """
    atlas = _atlas(data_dir)
    detail = atlas.cluster_detail(atlas.cluster(cluster_id))
    fmt = resolve_format(fmt)
    if fmt is OutputFormat.table:
        from clusteratlas.cli._show import print_cluster

        print_cluster(detail)
    else:
        emit([detail], fmt)


def list_cmd(
    what: Annotated[ListWhat, typer.Argument(help="industries, clusters or groups.")],
    industry: Annotated[Optional[str], typer.Option("--industry", help="Clusters of this industry.")] = None,
    group: Annotated[Optional[str], typer.Option("--group", "--parent", help="Only this industry group.")] = None,
    adcode: Annotated[Optional[str], typer.Option("--adcode", help="Clusters whose place code starts so.")] = None,
    province: Annotated[Optional[str], typer.Option("--province", help="41, Henan or 河南.")] = None,
    bbox: Annotated[Optional[str], typer.Option("--bbox", help="west,south,east,north (WGS-84 degrees).")] = None,
    fmt: FormatOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """List industries, clusters or industry groups.

    Example: clusteratlas list clusters --industry socks --province Zhejiang
    """
    from clusteratlas.cli._options import require_points
    from clusteratlas.filters import industry_ids

    if what is not ListWhat.clusters:
        require_points(fmt, f"{what.value.capitalize()}")
    atlas = _atlas(data_dir)
    wanted = industry_ids(atlas, industry, group)  # IndustryNotFound with suggestions for unknown ids
    if what is ListWhat.industries:
        inds = [i for i in atlas.industries.values() if wanted is None or i.id in wanted]
        rows = [{"industry": i.id, "name": i.name_en, "name_zh": i.name_zh, "parent": i.parent,
                 "clusters": len(atlas.clusters_of(i.id)), "hs": [h.code for h in i.hs_codes]} for i in inds]
        emit(rows, fmt, title="Industries")
    elif what is ListWhat.groups:
        groups = {atlas.industries[i].parent for i in wanted} if wanted is not None else None
        rows = [{"group": g.id, "name": g.name_en, "name_zh": g.name_zh, "gbt4754": g.gbt4754,
                 "industries": len(atlas.industries_in_group(g.id))} for g in atlas.groups.values()
                if groups is None or g.id in groups]
        emit(rows, fmt, title="Industry groups")
    else:
        from clusteratlas.filters import select_clusters

        clusters = select_clusters(atlas, industry=industry, group=group, province=province, adcode=adcode,
                                   bbox=bbox).clusters
        rows = [atlas.cluster_summary(c) for c in clusters]
        emit(rows, fmt, title="Clusters", columns=[("cluster_id", "cluster"), ("industry", "industry"),
                                                   ("place.name", "place"), ("place.name_zh", "地名"),
                                                   ("adcode", "adcode"), ("role", "role")])


class ExportFormat(str, Enum):
    """Row formats (one row per cluster) and the open-data formats (every table)."""

    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    geojson = "geojson"
    datapackage = "datapackage"
    sqlite = "sqlite"
    parquet = "parquet"


def export_cmd(
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="geojson (default), json, ndjson or csv: one row per cluster; datapackage (a folder), sqlite (a file) "
             "or parquet (a folder): every table, with keys, descriptions and the data release.")
    ] = ExportFormat.geojson,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write here (atomically) instead of stdout.")] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Export every cluster with its place, tiers and source ids, or every table of the atlas as open data.

    Example: clusteratlas export --format geojson > clusters.geojson
    Example: clusteratlas export --format sqlite --out clusteratlas.db
    """
    from clusteratlas.export import (OPEN_DATA_FORMATS, check_open_data_target, export_rows, write_export,
                                     write_open_data)
    from clusteratlas.tables import check_output_path

    if fmt.value in OPEN_DATA_FORMATS:
        if out is None:
            raise typer.BadParameter(f"{fmt.value} is written to a {'file' if fmt.value == 'sqlite' else 'folder'}: "
                                     "give --out PATH", param_hint="'--out'")
        check_open_data_target(fmt.value, out)
        counts = write_open_data(_atlas(data_dir), fmt.value, out)
        typer.echo(f"Wrote {len(counts)} tables ({sum(counts.values())} rows, {counts['clusters']} clusters) "
                   f"to {out}", err=True)
        return
    row_fmt = OutputFormat(fmt.value)
    if out is not None and row_fmt is OutputFormat.table:
        raise typer.BadParameter("a file cannot hold a table; use geojson, json, ndjson or csv",
                                 param_hint="'--format'")
    check_output_path(out)
    atlas = _atlas(data_dir)
    if out is not None:
        write_export(atlas, row_fmt.value, out)
        typer.echo(f"Wrote {len(atlas.clusters)} clusters to {out}", err=True)
        return
    emit(export_rows(atlas), row_fmt)


def validate_cmd(
    data_dir: Annotated[Optional[Path], typer.Argument(help="A data folder (default: the shipped data).")] = None,
    no_places: Annotated[bool, typer.Option("--no-places", help="Skip the MCA code and polygon checks.")] = False,
    skip: Annotated[Optional[list[str]], typer.Option(
        "--skip", help="Skip a check: places, vocabulary, sources or figures (repeatable).")] = None,
) -> None:
    """Validate atlas data: schema and references, places (MCA codes and points), vocabulary, sources and
    figures (periods, shares, titles, tiers). Prints a JSON report on stdout and each problem on stderr.

    Example: clusteratlas validate ./my-data
    """
    from clusteratlas.validate import validate_data

    report = validate_data(data_dir, check_places=not no_places, skip=skip or ())
    typer.echo(json.dumps({k: v for k, v in report.items() if k != "problems"} | {"problems": report["problems"]},
                          ensure_ascii=False))
    if report["problems"]:
        for problem in report["problems"]:
            typer.echo(f"Error: {problem}", err=True)
        by = ", ".join(f"{k} {v}" for k, v in report["problems_by_check"].items() if v)
        typer.echo(f"{len(report['problems'])} problem(s) found ({by}).", err=True)
        raise typer.Exit(1)
    typer.echo(f"OK: {report['clusters']} clusters in {report['industries']} industries, "
               f"{report['claims']} claims, {report['sources']} sources; checks: {', '.join(report['checks'])}.",
               err=True)


def register(app: typer.Typer) -> None:
    """Add the atlas commands to ``app``."""
    app.command("find")(find_cmd)
    app.command("show")(show_cmd)
    app.command("list")(list_cmd)
    app.command("export")(export_cmd)
    app.command("validate")(validate_cmd)
