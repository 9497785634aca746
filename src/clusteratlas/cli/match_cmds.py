"""``clusteratlas match``: map a catalogue's product titles to clusters, one output row per input row."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from clusteratlas.cli._options import DataDirOption, ProgressBar, echo_err


def match_cmd(
    file: Annotated[Path, typer.Argument(help="CSV, TSV, XLSX or Parquet file of products.")],
    column: Annotated[str, typer.Option("--column", "-c", help="The column holding product titles.")],
    out: Annotated[Optional[Path], typer.Option(
        "--out", "-o", help="Output file: .csv, .tsv, .xlsx, .parquet, .json or .ndjson (default: CSV on stdout).")] = None,
    encoding: Annotated[Optional[str], typer.Option(
        "--encoding", help="Input text encoding (default: detect UTF-8 / GB18030-GBK).")] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="XLSX sheet (default: the first).")] = None,
    progress: Annotated[Optional[bool], typer.Option(
        "--progress/--no-progress", help="Progress bar on stderr (default: on a terminal).")] = None,
    report_file: Annotated[Optional[Path], typer.Option(
        "--report", help="Also write the products not covered by the atlas (head phrase, rows) to this TSV.")] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Match every product title of a file to the industry and cluster that make it.

    Output: the input's columns, then industry, cluster_id, place_name, place_name_zh, adcode, score,
    hs_code, status (matched | ambiguous | no_match), runner_up_industry, runner_up_cluster_id and
    matched_term and reason (why no_match, or what was wrong with the input line: blank, more or fewer
    fields than the header); one row per input row, in order, written atomically. A title whose product
    no industry makes gets "not covered by the atlas: <head phrase>"; the most frequent such products are
    listed on stderr at the end, and all of them written to --report.

    Example: clusteratlas match catalogue.csv --column title --out matched.csv
    """
    from clusteratlas.errors import InputFileError
    from clusteratlas.match import match_file
    from clusteratlas.search import get_index
    from clusteratlas.tables import check_output_path, table_format_for

    check_output_path(out)
    if report_file is not None:
        from clusteratlas.tables import same_file

        check_output_path(report_file)
        for other, what in ((file, "the input file"), (out, "the --out file")):
            if other is not None and same_file(report_file, other):
                raise InputFileError(f"the --report file {report_file} is {what}; write the report elsewhere")
    try:
        table_format_for(out)
    except InputFileError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--out'") from None
    bar = ProgressBar("rows", enabled=progress)
    report = match_file(file, column, out, index=get_index(data_dir=data_dir), encoding=encoding, sheet=sheet,
                        progress=bar, on_open=lambda line: echo_err(f"Reading {line}."))
    if bar.drawn:
        bar.done()
    warning = report.problem_summary()
    if warning:
        echo_err(warning)
    echo_err(report.summary())
    uncovered = report.not_covered_summary()
    if uncovered:
        echo_err(uncovered)
    if report_file is not None:
        report.write_not_covered(report_file)
        echo_err(f"Products not covered: {len(report.not_covered)} head phrases -> {report_file}")


def register(app: typer.Typer) -> None:
    """Add ``match`` to ``app``."""
    app.command("match")(match_cmd)
