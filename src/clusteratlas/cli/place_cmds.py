"""Gazetteer commands: ``place`` (names, addresses, codes and points to divisions) and ``geocode`` (files)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from clusteratlas.cli._options import FormatOption, OutputFormat, ProgressBar, echo_err, emit, resolve_format



class Crs(str, Enum):
    wgs84 = "wgs84"
    gcj02 = "gcj02"
    bd09 = "bd09"


class GeocodeFormat(str, Enum):
    csv = "csv"
    tsv = "tsv"
    ndjson = "ndjson"


def place_cmd(
    query: Annotated[Optional[str], typer.Argument(
        help="A place name, address or code: '北滘', 'Datang Town, Zhuji', 'Shunde City', '440606'.")] = None,
    reverse: Annotated[Optional[tuple[float, float]], typer.Option(
        "--reverse", metavar="LAT LON", help="Find the divisions containing this point (latitude first).")] = None,
    crs: Annotated[Crs, typer.Option("--crs", case_sensitive=False,
                                     help="Coordinate system of --reverse: wgs84, gcj02 (AMap), bd09 (Baidu).")]
    = Crs.wgs84,
    limit: Annotated[Optional[int], typer.Option(
        "--limit", "-n", min=1, max=1000,
        help="At most this many candidates (default 10, and every equally good one when ambiguous).")] = None,
    fmt: FormatOption = None,
) -> None:
    """Resolve a place name, a Chinese address or an MCA code to administrative divisions, best first.

    Ambiguous names list every candidate, ranked by prominence, with ambiguous=true.

    Examples: clusteratlas place "Lishui Town, Nanhai, Foshan" --format json;
    clusteratlas place 新塘镇; clusteratlas place --reverse 22.93 113.20
    """
    from clusteratlas.cli._hot import run_place

    run_place(query, reverse=reverse, crs=crs.value, limit=limit, fmt=fmt)


def geocode_cmd(
    file: Annotated[Path, typer.Argument(help="CSV, TSV, XLSX or Parquet file with an address column.")],
    column: Annotated[str, typer.Option("--column", "-c", help="The column holding addresses or place names.")],
    out: Annotated[Optional[Path], typer.Option(
        "--out", "-o", help="Output file: .csv, .tsv, .xlsx, .parquet, .json or .ndjson (default: FILE with "
        ".geocoded.csv; '-' for stdout).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", hidden=True, help="Old name of --out.")] = None,
    out_format: Annotated[Optional[GeocodeFormat], typer.Option(
        "--format", "-f", case_sensitive=False,
        help="csv, tsv or ndjson on stdout ('-o -'); for a file the extension decides (default: csv).")] = None,
    encoding: Annotated[Optional[str], typer.Option(
        "--encoding", help="Input text encoding (default: detect UTF-8 / GB18030-GBK).")] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="XLSX sheet (default: the first).")] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bar on stderr.")] = True,
) -> None:
    """Geocode every row of a file: one output row per input row, with the input's columns followed by
    adcode, names, level, lat, lon (WGS-84), precision, match, score, status (matched | ambiguous |
    not_found), candidates and note. Written atomically (a temporary file renamed when complete).

    Example: clusteratlas geocode firms.csv --column address --out firms.geocoded.csv
    """
    from clusteratlas.errors import InputFileError
    from clusteratlas.gazetteer.bulk import geocode_file
    from clusteratlas.tables import table_format_for

    if out is not None and output is not None and out != output:
        raise typer.BadParameter("give --out once (--output is its old name)", param_hint="'--out'")
    out = out if out is not None else output
    to_stdout = out is not None and str(out) == "-"
    if out is None:
        out = file.with_name(file.stem + ".geocoded.csv")
    if not to_stdout:
        try:
            fmt_name = table_format_for(out)
        except InputFileError as exc:
            raise typer.BadParameter(str(exc), param_hint="'--out'") from None
        if out_format is not None and out_format.value != fmt_name:
            raise typer.BadParameter(f"--format {out_format.value} does not agree with the output name {out.name} "
                                     f"({fmt_name}); the extension decides for a file", param_hint="'--format'")
    bar = ProgressBar("rows", enabled=None if progress else False)
    report = geocode_file(file, column, None if to_stdout else out,
                          out_format=(out_format or GeocodeFormat.csv).value if to_stdout else None,
                          encoding=encoding, sheet=sheet, progress=bar,
                          on_open=lambda line: echo_err(f"Reading {line}."))
    if bar.drawn:
        bar.done()
    c = report.counts
    echo_err(f"Geocoded {report.rows} rows: {c['matched']} matched, {c['ambiguous']} ambiguous, "
             f"{c['not_found']} not found -> {report.out or 'stdout'}")


def register(app: typer.Typer) -> None:
    """Add ``place`` and ``geocode`` to the app."""
    app.command("place", no_args_is_help=True)(place_cmd)
    app.command("geocode", no_args_is_help=True)(geocode_cmd)
