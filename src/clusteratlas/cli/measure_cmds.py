"""``clusteratlas measure``: concentration measures over an establishment table, and demo data.

Thin wrappers over :mod:`clusteratlas.analytics`: read the table, call the measure, print the result
(data on stdout, progress and messages on stderr).
"""

from __future__ import annotations

import functools
import json
import math
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from clusteratlas.cli._options import FormatOption, OutputFormat, ProgressBar, echo_err, emit, resolve_format

FirmsArg = Annotated[Path, typer.Argument(help="Establishment table: CSV (UTF-8/GB18030), TSV or Parquet.",
                                          show_default=False)]
IndustryCol = Annotated[str, typer.Option("--industry-col", help="Column with the industry (code or text).")]
LatCol = Annotated[str, typer.Option("--lat-col", help="Latitude column (WGS-84 degrees).")]
LonCol = Annotated[str, typer.Option("--lon-col", help="Longitude column (WGS-84 degrees).")]
RegionCol = Annotated[str | None, typer.Option("--region-col", help="Region column (regional measures).")]
AdcodeCol = Annotated[str | None, typer.Option("--adcode-col",
                                                  help="MCA adcode column (location fallback, regions).")]
AddressCol = Annotated[str | None, typer.Option("--address-col",
                                                   help="Address column, resolved by the gazetteer.")]
RegionLevel = Annotated[str | None, typer.Option(
    "--region-level", help="Region from the adcode: province, prefecture, county or township.")]
WeightCol = Annotated[str | None, typer.Option("--weight-col", help="Weight column (employment, output).")]
IndustryFrom = Annotated[str, typer.Option("--industry-from", help="'code' or 'text' (match product text).")]
Industry = Annotated[str | None, typer.Option("--industry", "-i", help="The industry to measure.")]
Simulations = Annotated[str, typer.Option("--simulations", "-s", help="Monte-Carlo simulations (0 to 100,000).")]
Seed = Annotated[int | None, typer.Option("--seed", min=0, help="Seed of the simulations (reproducible).")]
Plot = Annotated[Path | None, typer.Option("--plot", help="Also save a plot to this file (.png, .svg or .pdf).")]
Metric = Annotated[str, typer.Option("--metric", help="great_circle or equal_area.")]
Method = Annotated[str, typer.Option("--method", help="auto, exact or binned.")]

measure_app = typer.Typer(
    help="Measure industrial concentration from establishment data (location quotients, "
         "Ellison-Glaeser, K-density, M, hot spots).",
    no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})


def _firms(path: Path, industry_col: str, lat_col: str, lon_col: str, region_col: str | None,
           adcode_col: str | None, address_col: str | None, region_level: str | None, weight_col: str | None,
           industry_from: str, background_col: str | None = None):
    from clusteratlas.analytics.firms import load_firms

    import warnings

    with warnings.catch_warnings():  # the same warnings are in firms.notes, printed below as one line each
        warnings.simplefilter("ignore", UserWarning)
        firms = load_firms(path, industry_col=industry_col, lat_col=lat_col, lon_col=lon_col,
                           region_col=region_col, adcode_col=adcode_col, address_col=address_col,
                           weight_col=weight_col, industry_from=industry_from, region_level=region_level,
                           background_col=background_col)
    summary = firms.unplaced_summary()
    if summary:
        detail = "; ".join(f"{k}: {v}" for k, v in summary.items())
        echo_err(f"{firms.unplaced.height} of {firms.n_input} rows could not be placed ({detail}).")
    for note in getattr(firms, "notes", ()):
        echo_err(note if note.startswith("WARNING") else f"Note: {note}.")
    return firms


def _check_output_path(path: Path | None, what: str = "--plot") -> None:
    """Fail before any work when ``path`` cannot be written (a folder, or a missing parent folder)."""
    if path is None:
        return
    if what == "--plot":
        from clusteratlas.analytics.results import picture_format

        picture_format(path)  # an unknown picture format fails before any work
    try:
        from clusteratlas.tables import check_output_path
    except ImportError:
        check_output_path = None
    if check_output_path is not None:
        check_output_path(path)
        return
    from clusteratlas.errors import BadQueryError

    if path.is_dir():
        raise BadQueryError(f"{what} {path}: is a folder; give a file name (e.g. {path / 'plot.png'})"
                            if what == "--plot" else f"{what} {path}: is a folder; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise BadQueryError(f"{what} {path}: the folder {parent} does not exist")


def _simulations(text: str | int) -> int:
    """``--simulations`` as a whole number in range (one-line error otherwise, e.g. for ``1e12``)."""
    from clusteratlas.analytics._simulate import MAX_SIMULATIONS
    from clusteratlas.errors import BadQueryError

    try:
        value = int(str(text).strip().replace("_", "").replace(",", ""))
    except ValueError:
        value = None
    if value is None or not 0 <= value <= MAX_SIMULATIONS:
        raise BadQueryError(f"--simulations must be a whole number from 0 to {MAX_SIMULATIONS:,}; got {text}")
    return value


def _need_industry(industry: str | None, what: str) -> str:
    if not industry:
        from clusteratlas.errors import BadQueryError

        raise BadQueryError(f"{what} needs --industry")
    return industry


class _Progress:
    """Simulations counted on the CLI's one progress bar (:class:`clusteratlas.cli._options.ProgressBar`);
    the library calls it with the number of simulations just done."""

    def __init__(self, total: int, label: str):
        self.bar = ProgressBar(label, enabled=None if total else False)
        self.total, self.n = total, 0

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar.drawn:
            self.bar.done()

    def __call__(self, k: int) -> None:
        self.n += k
        self.bar(self.n, self.total)


def _nan_none(v: Any) -> Any:
    return None if isinstance(v, float) and math.isnan(v) else v


def _sig(v: Any) -> Any:
    """Four significant digits for table cells (K-densities and bands are small numbers per km)."""
    if isinstance(v, float):
        return "" if math.isnan(v) else f"{v:.4g}"
    return v


def _p(v: float) -> str:
    return "n/a (no simulations)" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.4g}"


def _curve_summary(result: Any) -> list[str]:
    """The headline lines of a K-density or M result (printed on stderr above a table)."""
    par = result.parameters
    sims = int(par.get("simulations", 0) or 0)
    if hasattr(result, "localisation_index"):
        verdict = ("not tested (no simulations)" if not result.tested else "localised" if result.localised
                   else "dispersed" if result.dispersed else "neither localised nor dispersed")
        head = (f"K-density of {result.industry}: {result.n:,} establishments, {result.n_sites:,} sites, "
                f"bandwidth {par.get('bandwidth_km', float('nan')):.4g} km, {sims} simulations.")
        alpha = par.get("alpha")
        index = (f"Duranton-Overman global envelope (alpha {alpha}): localisation index Gamma = "
                 f"{_p(result.localisation_index)}, dispersion index Psi = {_p(result.dispersion_index)} "
                 f"-> {verdict}.")
        erl = (f"Separate test, extreme-rank length over the whole 0-{par.get('max_distance_km', 0):g} km curve "
               f"(Myllymaki et al. 2017): p(above the null somewhere) = {_p(result.p_value_localised)}, "
               f"p(below somewhere) = {_p(result.p_value_dispersed)}. The K-density integrates to about 1, "
               "so a peak at short distances puts the curve below the null further out.")
        tested = f"Localised: {'yes' if result.localised else 'no'}." if result.tested else "Localised: not tested."
        return [head, index, erl, tested]
    return [f"M function of {result.industry}: {result.n:,} establishments, {sims} simulations.",
            f"Concentrated: {'yes' if result.concentrated else 'no'} (p = {_p(result.p_value)})."
            if result.tested else "Concentrated: not tested (no simulations)."]


def _save_plot(result: Any, plot: Path | None) -> None:
    """Draw the result's picture to ``plot`` (PNG) when one was asked for, and say where it went."""
    if plot is not None:
        result.plot(path=plot)
        echo_err(f"Plot saved to {plot}.")


def _curve_output(result: Any, fmt: OutputFormat | None, x: str, columns: list[str], plot: Path | None) -> None:
    _save_plot(result, plot)
    fmt = resolve_format(fmt)
    if fmt is OutputFormat.json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    frame = result.to_frame()
    rows = [{k: _nan_none(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]
    if fmt is OutputFormat.table:
        for line in _curve_summary(result):
            echo_err(line)
        rows = [{k: _sig(v) for k, v in r.items()} for r in rows]
    emit(rows, fmt, columns=[(c, c) for c in [x] + columns if c in frame.columns], title=result.method)


LQ_COLUMNS = ("region", "region_name", "industry", "establishments", "employment", "region_employment",
              "industry_employment", "lq", "lq_lower", "lq_upper", "lq_shrunk", "strong")


@measure_app.command("lq")
def lq_cmd(firms: FirmsArg, industry_col: IndustryCol = "industry", lat_col: LatCol = "lat",
           lon_col: LonCol = "lon", region_col: RegionCol = None, adcode_col: AdcodeCol = None,
           address_col: AddressCol = None, region_level: RegionLevel = None, weight_col: WeightCol = None,
           industry_from: IndustryFrom = "code", industry: Industry = None,
           strong_only: Annotated[bool, typer.Option("--strong-only", help="Only strong clusters.")] = False,
           min_firms: Annotated[int, typer.Option(
               "--min-firms", min=1, max=1_000_000_000,
               help="Minimum establishments of a row (shown, plotted, and eligible to be strong).")] = 10,
           min_employment: Annotated[float, typer.Option(
               "--min-employment", min=0, max=1e15, help="Minimum employment (weight units) of a row.")] = 0.0,
           confidence: Annotated[float, typer.Option(
               "--confidence", min=0.5, max=0.9999, help="Confidence level of the LQ interval.")] = 0.95,
           rank_by: Annotated[str, typer.Option(
               "--rank-by", help="lq_lower (lower confidence bound), lq, lq_shrunk, employment or "
                                 "establishments.")] = "lq_lower",
           limit: Annotated[int | None, typer.Option("--limit", min=1, help="Show the first N rows.")] = None,
           background_col: Annotated[str, typer.Option(
               "--background-col",
               help="Column flagging background establishments (true/false): industries all of whose firms are "
                    "flagged are the rest of the economy (local industries, as the Cluster Mapping Project calls "
                    "them) and are never strong. The demo data have it; a table without it flags nothing.")
           ] = "background",
           fmt: FormatOption = None, plot: Plot = None) -> None:
    """Location quotients by region x industry: interval, shrunk LQ, counts, the Cluster Mapping strong rule.

    Rows are ranked by the lower bound of the LQ's confidence interval, so that a county with a handful
    of firms (whose LQ can be huge by chance) does not lead. The plot shows the same rows as the table.

    Example: clusteratlas measure lq firms.csv --region-col region --weight-col employment -i socks --strong-only
    """
    from clusteratlas.analytics.regional import location_quotients

    _check_output_path(plot)
    f = _firms(firms, industry_col, lat_col, lon_col, region_col, adcode_col, address_col, region_level,
               weight_col, industry_from, background_col)
    res = location_quotients(f, industries=[industry] if industry else None, confidence=confidence,
                             min_firms=min_firms, min_employment=min_employment)
    background = res.parameters["background_industries"]
    if background:
        names = ", ".join(background[:3]) + (" …" if len(background) > 3 else "")
        echo_err(f"Note: {len(background)} background industries ({names}; column {background_col!r}) are the "
                 "rest of the economy, not clusters: never classified strong"
                 + (", so --strong-only leaves them out." if strong_only else "."))
    table = res.top(strong_only=strong_only, rank_by=rank_by, limit=limit)
    if plot is not None:
        res.plot(path=plot, rows=table)
        echo_err(f"Plot saved to {plot} (the first {min(len(table), 20)} rows of the table).")
    rows = [{k: _nan_none(v) for k, v in r.items()} for r in table.to_dict(orient="records")]
    columns = [(c, c) for c in LQ_COLUMNS]
    if resolve_format(fmt) is OutputFormat.table:  # narrow: the name, the counts, the ratios to 4 digits
        rows = [{**r, "region_name": r["region_name"] or r["region"], "employment": f"{r['employment']:,.0f}",
                 **{c: _sig(r[c]) for c in ("lq", "lq_lower", "lq_upper", "lq_shrunk")}} for r in rows]
        columns = [("region_name", "region"), ("industry", "industry"), ("establishments", "firms"),
                   ("employment", "employment"), ("lq", "LQ"), ("lq_lower", "low"), ("lq_upper", "high"),
                   ("lq_shrunk", "shrunk"), ("strong", "strong")]
    emit(rows, fmt, columns=columns,
         title=f"Location quotients ({confidence:.0%} interval; ranked by {rank_by}; >= {min_firms} firms)",
         empty_message="No region x industry rows pass the filters (try a lower --min-firms).")


@measure_app.command("eg")
def eg_cmd(firms: FirmsArg, industry_col: IndustryCol = "industry", lat_col: LatCol = "lat",
           lon_col: LonCol = "lon", region_col: RegionCol = None, adcode_col: AdcodeCol = None,
           address_col: AddressCol = None, region_level: RegionLevel = None, weight_col: WeightCol = None,
           industry_from: IndustryFrom = "code", industry: Industry = None, fmt: FormatOption = None,
           plot: Plot = None) -> None:
    """Ellison-Glaeser and Maurel-Sedillot gamma per industry (needs --weight-col and regions).

    Example: clusteratlas measure eg firms.csv --region-col county --weight-col employment
    """
    from clusteratlas.analytics.eg import ellison_glaeser

    _check_output_path(plot)
    f = _firms(firms, industry_col, lat_col, lon_col, region_col, adcode_col, address_col, region_level,
               weight_col, industry_from)
    res = ellison_glaeser(f, industries=[industry] if industry else None)
    _save_plot(res, plot)
    emit(res.rows(), fmt, columns=[(c, c) for c in ("industry", "plants", "gamma_eg", "gamma_ms", "H", "G", "z",
                                                     "localisation")],
         title="Ellison-Glaeser", empty_message="No industries.")


@measure_app.command("kd")
def kd_cmd(firms: FirmsArg, industry: Industry = None, industry_col: IndustryCol = "industry",
           lat_col: LatCol = "lat", lon_col: LonCol = "lon", region_col: RegionCol = None,
           adcode_col: AdcodeCol = None, address_col: AddressCol = None, weight_col: WeightCol = None,
           industry_from: IndustryFrom = "code", simulations: Simulations = "999", seed: Seed = None,
           max_distance_km: Annotated[float, typer.Option("--max-distance-km", min=0.001)] = 200.0,
           step_km: Annotated[float, typer.Option("--step-km", min=0.001)] = 1.0,
           bandwidth_km: Annotated[float | None, typer.Option("--bandwidth-km", min=0.0)] = None,
           metric: Metric = "great_circle", method: Method = "auto", fmt: FormatOption = None,
           plot: Plot = None) -> None:
    """Duranton-Overman K-density with local and global envelopes (random location).

    Example: clusteratlas measure kd firms.csv --industry socks --simulations 999 --seed 1 --format json
    """
    from clusteratlas.analytics.kdensity import k_density

    ind = _need_industry(industry, "kd")
    simulations = _simulations(simulations)
    _check_output_path(plot)
    f = _firms(firms, industry_col, lat_col, lon_col, region_col, adcode_col, address_col, None, weight_col,
               industry_from)
    with _Progress(simulations, f"K-density {ind}") as bar:
        res = k_density(f, ind, max_distance_km=max_distance_km, step_km=step_km, bandwidth_km=bandwidth_km,
                        simulations=simulations, seed=seed, metric=metric, method=method, progress=bar)
    _curve_output(res, fmt, "distance_km", ["kd", "null_mean", "lower_local", "upper_local", "lower_global",
                                            "upper_global"], plot)


@measure_app.command("m")
def m_cmd(firms: FirmsArg, industry: Industry = None, industry_col: IndustryCol = "industry",
          lat_col: LatCol = "lat", lon_col: LonCol = "lon", adcode_col: AdcodeCol = None,
          address_col: AddressCol = None, weight_col: WeightCol = None, industry_from: IndustryFrom = "code",
          radii: Annotated[str, typer.Option("--radii", help="Comma-separated radii in km.")] =
          "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20",
          simulations: Simulations = "0", seed: Seed = None, metric: Metric = "great_circle",
          method: Method = "auto", fmt: FormatOption = None, plot: Plot = None) -> None:
    """Marcon-Puech M function (relative concentration within r), optional envelopes.

    Example: clusteratlas measure m firms.csv --industry socks --radii 1,2,5,10,20 --simulations 99
    """
    from clusteratlas.analytics.mfunction import m_function
    from clusteratlas.errors import BadQueryError

    ind = _need_industry(industry, "m")
    simulations = _simulations(simulations)
    try:
        r = [float(v) for v in radii.split(",") if v.strip()]
    except ValueError as exc:
        raise BadQueryError(f"--radii must be comma-separated numbers; got {radii!r}") from exc
    _check_output_path(plot)
    f = _firms(firms, industry_col, lat_col, lon_col, None, adcode_col, address_col, None, weight_col,
               industry_from)
    with _Progress(simulations, f"M {ind}") as bar:
        res = m_function(f, ind, radii_km=r, simulations=simulations, seed=seed, metric=metric, method=method,
                         progress=bar)
    _curve_output(res, fmt, "radius_km", ["m", "lower_local", "upper_local", "lower_global", "upper_global"], plot)


@measure_app.command("hotspots")
def hotspots_cmd(firms: FirmsArg, industry: Industry = None, industry_col: IndustryCol = "industry",
                 lat_col: LatCol = "lat", lon_col: LonCol = "lon", region_col: RegionCol = None,
                 adcode_col: AdcodeCol = None, address_col: AddressCol = None, region_level: RegionLevel = None,
                 weight_col: WeightCol = None, industry_from: IndustryFrom = "code",
                 value: Annotated[str, typer.Option("--value", help="lq, employment or share.")] = "lq",
                 k: Annotated[int, typer.Option("--k", min=1, help="Nearest regions as neighbours.")] = 8,
                 threshold_km: Annotated[float | None, typer.Option(
                     "--threshold-km", help="Distance-band neighbours instead of k nearest.")] = None,
                 simulations: Simulations = "999", seed: Seed = None, fmt: FormatOption = None,
                 plot: Plot = None) -> None:
    """Getis-Ord Gi* and local Moran's I of an industry over regions (permutations = --simulations).

    Example: clusteratlas measure hotspots firms.csv --industry socks --region-col county --format csv
    """
    from clusteratlas.analytics.lisa import hotspots

    ind = _need_industry(industry, "hotspots")
    simulations = _simulations(simulations)
    _check_output_path(plot)
    f = _firms(firms, industry_col, lat_col, lon_col, region_col, adcode_col, address_col, region_level,
               weight_col, industry_from)
    res = hotspots(f, ind, value=value, neighbours="distance" if threshold_km else "knn", k=k,
                   threshold_km=threshold_km, permutations=simulations, seed=seed)
    _save_plot(res, plot)
    emit(res.rows(), fmt, columns=[(c, c) for c in ("region", "value", "gi_z", "gi_p", "gi_class", "moran_i",
                                                     "moran_p", "moran_class", "island")],
         title=f"Hot spots: {ind}")


@measure_app.command("demo-data")
def demo_data_cmd(out: Annotated[Path, typer.Argument(help="CSV file to write.", show_default=False)],
                  seed: Annotated[int, typer.Option("--seed", min=0)] = 0,
                  background: Annotated[int | None, typer.Option(
                      "--background", min=0, max=50_000_000, show_default=False,
                      help="Background establishments of the generic industries other-01 … other-30 "
                           "[default: 3 x the planted ones, at least 20,000].")] = None,
                  per_cluster: Annotated[int, typer.Option("--per-cluster", min=0, max=100_000,
                                                           help="Establishments planted per cluster.")] = 400
                  ) -> None:
    """Write seeded demo establishments around the atlas's clusters (plus background) to a CSV.

    Example: clusteratlas measure demo-data firms.csv --seed 1
    """
    from clusteratlas.analytics.demo import demo_firms

    _check_output_path(out, "output file")
    df = demo_firms(seed=seed, n_background=background, firms_per_cluster=per_cluster)
    df.to_csv(out, index=False)
    generic = df["background"]
    planted = df["cluster_id"].fillna("").astype(str) != ""
    echo_err(f"Wrote {len(df):,} establishments to {out}: {int(planted.sum()):,} planted around "
             f"{df.loc[planted, 'cluster_id'].nunique()} clusters of {df.loc[~generic, 'industry'].nunique()} "
             f"atlas industries, {int((~generic & ~planted).sum()):,} of the same industries scattered elsewhere, "
             f"and {int(generic.sum()):,} of {df.loc[generic, 'industry'].nunique()} synthetic background "
             "industries (other-01 …, the rest of the economy). "
             "Columns: firm_id, industry, lat, lon, adcode, region, employment, cluster_id, background.")


#: Library parameters -> the flags that set them: library messages name parameters, the CLI's name both.
FLAGS = {"min_firms": "--min-firms", "min_employment": "--min-employment", "rank_by": "--rank-by",
         "weight_col": "--weight-col", "region_col": "--region-col", "adcode_col": "--adcode-col",
         "region_level": "--region-level", "industry_from": "--industry-from", "step_km": "--step-km",
         "max_distance_km": "--max-distance-km", "bandwidth_km": "--bandwidth-km", "threshold_km": "--threshold-km",
         "radii_km": "--radii"}
_FLAG_RE = re.compile(r"\b(" + "|".join(FLAGS) + r")\b")


def _name_flags(fn):
    """Run a command; a BadQueryError's message gains the flag beside each parameter it names."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        from clusteratlas._limits import ResourceLimitError
        from clusteratlas.errors import BadQueryError, DataValidationError

        try:
            return fn(*args, **kwargs)
        except (BadQueryError, DataValidationError, ResourceLimitError) as exc:
            text = _FLAG_RE.sub(lambda m: f"{m.group(1)} / {FLAGS[m.group(1)]}", str(exc))
            raise type(exc)(text) from None

    return run


def register(app: typer.Typer) -> None:
    """Add the ``measure`` command group."""
    for info in measure_app.registered_commands:
        if info.callback is not None and not hasattr(info.callback, "__wrapped__"):
            info.callback = _name_flags(info.callback)
    app.add_typer(measure_app, name="measure")
