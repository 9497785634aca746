"""The two commands a cold start is measured on, ``find`` and ``place``, and a fast path that runs them
without importing typer.

:func:`run_find` and :func:`run_place` hold what the commands do; the typer commands
(:mod:`clusteratlas.cli.atlas_cmds`, :mod:`clusteratlas.cli.place_cmds`) call them. Importing typer (and
through it click and pydantic) costs more than a whole search, so :func:`fast` reads the plain forms of
these two commands itself (a query and the options listed in :data:`FAST_OPTIONS`) and hands anything else
(help, completion, an unknown or malformed option) to typer, which then prints the usual usage error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clusteratlas._text import is_number
from clusteratlas.cli._emit import OutputFormat, echo_err, emit, resolve_format

FIND_COLUMNS = [("cluster_id", "cluster"), ("industry", "industry"), ("place.name", "place"),
                ("place.name_zh", "地名"), ("place.adcode", "adcode"), ("role", "role"), ("hs_headings", "HS"),
                ("score", "score")]
PLACE_COLUMNS = [("adcode", "adcode"), ("name_zh", "名称"), ("name", "name"), ("level", "level"),
                 ("where", "in"), ("match", "match"), ("score", "score"), ("note", "note")]
REVERSE_COLUMNS = [("adcode", "adcode"), ("name_zh", "名称"), ("name", "name"), ("level", "level"),
                   ("province.name_zh", "省"), ("prefecture.name_zh", "地级"), ("county.name_zh", "县级")]


def run_find(query: str, *, limit: int = 10, industry: str | None = None, explain: bool = False,
             semantic: bool = False, details: bool = False, fmt: OutputFormat | None = None,
             data_dir: Path | None = None) -> None:
    """``clusteratlas find``: search, then print the rows in ``fmt``; with ``details``, each row also carries
    the cluster's evidence, tier (statement and source) and markets (address, point, hours or dates)."""
    from clusteratlas.search import find

    if industry is not None:
        _check_industry(industry, data_dir)
    results = find(query, limit=limit, industry=industry, data_dir=data_dir,  # cached index: no YAML read
                   semantic=semantic)
    rows = [r.to_dict(explain=explain) for r in results]
    fmt = resolve_format(fmt)
    if details:
        from clusteratlas.atlas import load_atlas
        from clusteratlas.shapes import cluster_extras

        atlas = load_atlas(data_dir)  # the YAML is read only when details are asked for
        rows = [r | cluster_extras(atlas.cluster(r["cluster_id"]), atlas.sources) for r in rows]
    if explain and fmt is OutputFormat.table:
        _print_explanations(rows)
        return
    caption = None
    if fmt is OutputFormat.table:
        rows, caption = _mark_weak(rows, data_dir)
    emit(rows, fmt, columns=FIND_COLUMNS, title=f"Clusters for {query!r}",
         empty_message=f"Nothing in the atlas matches {query!r}.", caption=caption)
    if details and fmt is OutputFormat.table:
        from clusteratlas.cli._show import print_find_details

        print_find_details(rows)


def _mark_weak(rows: list[dict], data_dir: Path | None) -> tuple[list[dict], str | None]:
    """For the table only: the role of each weakly sourced cluster followed by
    :data:`~clusteratlas.evidence.WEAK_MARK` (the columns stay as they are), and the legend line when any
    row is marked. Reads the flag from the search index (cached; no YAML read)."""
    from clusteratlas.evidence import WEAK_LEGEND, WEAK_MARK
    from clusteratlas.search import get_index

    clusters = get_index(data_dir=data_dir).clusters
    weak = {r["cluster_id"] for r in rows if getattr(clusters.get(r["cluster_id"]), "weak", False)}
    if not weak:
        return rows, None
    marked = [r | {"role": f"{r['role']} {WEAK_MARK}"} if r["cluster_id"] in weak else r for r in rows]
    return marked, WEAK_LEGEND


def _check_industry(industry: str, data_dir: Path | None) -> None:
    """Raise IndustryNotFound (with suggestions) for an industry id the atlas does not have; uses the
    search index's industry list (cached), not the YAML."""
    from clusteratlas.atlas import _not_found
    from clusteratlas.errors import IndustryNotFound
    from clusteratlas.search import get_index

    known = get_index(data_dir=data_dir).industry_names
    if industry not in known:
        raise IndustryNotFound(_not_found("industry", industry, known))


def _print_explanations(rows: list[dict]) -> None:
    from rich.console import Console

    con = Console()
    if not rows:
        Console(stderr=True).print("No results.")
    for i, row in enumerate(rows, 1):
        con.print(f"[bold]{i}. {row['cluster_id']}[/bold]  score {row['score']}  ({row['place']['name']}, "
                  f"{row['place']['adcode']})")
        for part in row["explanation"]:
            detail = ", ".join(f"{k}={v}" for k, v in part.items() if k != "part")
            con.print(f"     {part['part']}: {detail}", markup=False, highlight=False)


def run_place(query: str | None, *, reverse: tuple[float, float] | None = None, crs: str = "wgs84",
              limit: int | None = None, fmt: OutputFormat | None = None) -> None:
    """``clusteratlas place``: resolve a name, address or code (or a point with ``reverse``) and print."""
    from clusteratlas.errors import BadQueryError
    from clusteratlas.gazetteer import resolve_place, reverse_geocode, uncoded_note

    if reverse is not None:
        if query:
            raise BadQueryError("give either a QUERY or --reverse LAT LON, not both")
        lat, lon = reverse
        found = reverse_geocode(lat=lat, lon=lon, crs=crs)
        rows = [found] if found else []
        emit(rows, fmt, columns=REVERSE_COLUMNS, title=f"Divisions at lat={lat}, lon={lon} ({crs})",
             empty_message="That point is not inside any Chinese division (sea, abroad, or Taiwan).")
        return
    if query is None:
        raise BadQueryError("give a QUERY (a place name, address or code) or --reverse LAT LON")
    if not query.strip():
        raise BadQueryError("empty place query")
    if any(ord(c) < 32 and c not in "\t\n" for c in query):
        raise BadQueryError("the query contains control characters")
    found = resolve_place(query, limit=limit or 10)
    if limit is None and found and found[0].ambiguous:
        # print every homonym that is as good as the first (城关镇 has 82), then the best of the rest
        found = resolve_place(query, limit=1000)
        tied = [c for c in found if c.score >= found[0].score - 0.05]
        found = tied + found[len(tied):max(10, len(tied))]
    rows = [c.to_dict() for c in found]
    fmt = resolve_format(fmt)
    if fmt is OutputFormat.table:
        for r in rows:
            r["where"] = " / ".join(p["name_zh"] for p in r["path"])
        if rows and rows[0]["ambiguous"]:
            echo_err(f"{query!r} is ambiguous: {len(rows)} candidates, most prominent first.")
    note = ""
    if not rows:  # why nothing matched (an invented province, a zone the tables do not hold …)
        from clusteratlas.gazetteer import resolve_address

        note = uncoded_note(query) or resolve_address(query)["note"]
    emit(rows, fmt, columns=PLACE_COLUMNS, title=f"Places for {query!r}",
         empty_message=f"No division matches {query!r}." + (f" {note}." if note else ""))


#: The options of the fast path: name -> (command, parameter, kind). Kinds: int, str, flag, format, crs, point.
FAST_OPTIONS = {
    "find": {"--limit": ("limit", "int"), "-n": ("limit", "int"), "--industry": ("industry", "str"),
             "--explain": ("explain", "flag"), "--semantic": ("semantic", "flag"), "--details": ("details", "flag"),
             "--format": ("fmt", "format"),
             "-f": ("fmt", "format"), "--data-dir": ("data_dir", "path")},
    "place": {"--limit": ("limit", "int"), "-n": ("limit", "int"), "--format": ("fmt", "format"),
              "-f": ("fmt", "format")},
}


def _value(kind: str, text: str) -> Any:
    if kind == "int":
        n = int(text)
        if not 1 <= n <= 1000:
            raise ValueError(text)
        return n
    if kind == "format":
        return OutputFormat(text.lower())
    if kind == "path":
        if not text:
            raise ValueError(text)
        return Path(text)
    return text


def fast(args: list[str]) -> bool:
    """Run ``find``/``place`` without typer when ``args`` are in their plain form; False when typer must
    read them (help, unknown or malformed options, more than one query)."""
    if not args or args[0] not in FAST_OPTIONS:
        return False
    options = FAST_OPTIONS[args[0]]
    params: dict[str, Any] = {}
    query = None
    i = 1
    while i < len(args):
        arg = args[i]
        if arg.startswith("-") and arg != "-" and not (query is None and is_number(arg)):
            name, eq, inline = arg.partition("=")
            spec = options.get(name)
            if spec is None or spec[0] in params:
                return False
            param, kind = spec
            if kind == "flag":
                if eq:
                    return False
                params[param] = True
                i += 1
                continue
            if not eq:
                if i + 1 >= len(args):
                    return False
                inline, i = args[i + 1], i + 1
            try:
                params[param] = _value(kind, inline)
            except ValueError:
                return False
        elif query is None:
            query = arg
        else:
            return False
        i += 1
    if query is None:
        return False
    if args[0] == "find":
        run_find(query, **params)
    else:
        run_place(query, **params)
    return True
