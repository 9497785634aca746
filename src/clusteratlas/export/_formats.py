"""The three open-data writers: a Frictionless Data Package (CSV + ``datapackage.json``), one SQLite file
(foreign keys, indexes, FTS5) and one Parquet file per table. All read the one schema in
:mod:`clusteratlas.export._tables`; every file is written to a temporary file beside it and renamed into
place (:func:`clusteratlas.tables.atomic_write`); nothing inside depends on the clock, so the same data always
gives byte-identical files.

References
----------
Frictionless Data Package, https://specs.frictionlessdata.io/data-package/ ; SQLite FTS5,
https://www.sqlite.org/fts5.html ; Apache Parquet, https://parquet.apache.org/
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from clusteratlas.errors import InputFileError
from clusteratlas.export._tables import TABLES, Column, Table
from clusteratlas.tables import atomic_write

_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}


def check_output_folder(path: str | Path) -> Path:
    """Check that ``path`` can be (or already is) a folder to write into; call it before any work.

    Raises
    ------
    InputFileError
        ``path`` is a file, or its parent folder is missing or not writable.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputFileError(f"cannot write a folder at {path}: a file is there")
    parent = path.parent
    if not parent.is_dir():
        raise InputFileError(f"cannot write {path}: folder {parent} does not exist")
    if not os.access(path if path.exists() else parent, os.W_OK | os.X_OK):
        raise InputFileError(f"cannot write {path}: not writable")
    return path


def check_target(fmt: str, out: str | Path) -> Path:
    """Check before any work that ``out`` can take ``fmt`` (a file for sqlite, a folder otherwise).

    Raises
    ------
    InputFileError
        One line saying why not.
    """
    if fmt == "sqlite":
        from clusteratlas.tables import check_output_path

        return check_output_path(out)
    return check_output_folder(out)


# -- Data Package ------------------------------------------------------------------------------------------

def _field(col: Column) -> dict[str, Any]:
    out: dict[str, Any] = {"name": col.name, "type": col.type, "description": col.description}
    constraints: dict[str, Any] = {}
    if col.required:
        constraints["required"] = True
    if col.enum:
        constraints["enum"] = list(col.enum)
    if constraints:
        out["constraints"] = constraints
    if col.unit:
        out["unit"] = col.unit
    if col.code_system:
        out["codeSystem"] = col.code_system
    return out


def table_schema(table: Table) -> dict[str, Any]:
    """The Frictionless Table Schema of one table (fields, primaryKey, foreignKeys)."""
    schema: dict[str, Any] = {"fields": [_field(c) for c in table.columns],
                              "primaryKey": list(table.primary_key)}
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(cols), "reference": {"resource": "" if ref == table.name else ref,
                                                  "fields": list(ref_cols)}}
            for cols, ref, ref_cols in table.foreign_keys]
    return schema


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write_datapackage(rows: dict[str, list[tuple]], release: dict[str, Any], out: str | Path) -> Path:
    """Write ``out/datapackage.json`` and ``out/data/<table>.csv`` (UTF-8, ``\\n`` line ends).

    The descriptor is written last, with each CSV's size and SHA-256, so a package is complete exactly when
    its descriptor matches its files.

    Returns
    -------
    Path
        The descriptor.
    """
    out = check_output_folder(out)
    (out / "data").mkdir(parents=True, exist_ok=True)
    resources = []
    for table in TABLES:
        path = out / "data" / f"{table.name}.csv"
        with atomic_write(path, "w", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(table.column_names)
            for row in rows[table.name]:
                writer.writerow([_cell(v) for v in row])
        data = path.read_bytes()
        resources.append({
            "name": table.name, "path": f"data/{table.name}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "description": table.description,
            "bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "schema": table_schema(table)})
    lic = release["licence"]["data"]
    descriptor = {
        "profile": "tabular-data-package", "name": "clusteratlas", "title": release["title"],
        "version": release["version"],
        **({"created": f"{release['build_date']}T00:00:00Z"} if release.get("build_date") else {}),
        "licenses": [{"name": lic["id"], "title": lic["name"], "path": lic["url"]}],
        "contributors": [{"title": release["authors"], "role": "author"}],
        "citation": release["cite_as"],
        "description": "The atlas of China's industrial clusters as tables: industries, places, clusters, sourced "
                       "claims, titles, sources, markets and fairs, official registers. Facts are drawn from the "
                       "cited sources (see the sources table); coordinates are WGS-84.",
        "resources": resources,
    }
    target = out / "datapackage.json"
    with atomic_write(target, "w") as fh:
        fh.write(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")
    return target


# -- SQLite ------------------------------------------------------------------------------------------------

def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create_sql(table: Table) -> str:
    cols = []
    for c in table.columns:
        sql = f"{_q(c.name)} {_SQL_TYPES[c.type]}"
        if c.required:
            sql += " NOT NULL"
        if c.type == "boolean":
            sql += f" CHECK ({_q(c.name)} IN (0, 1))"
        cols.append(sql)
    cols.append(f"PRIMARY KEY ({', '.join(map(_q, table.primary_key))})")
    for cols_, ref, ref_cols in table.foreign_keys:
        cols.append(f"FOREIGN KEY ({', '.join(map(_q, cols_))}) REFERENCES {_q(ref)} ({', '.join(map(_q, ref_cols))})")
    return f"CREATE TABLE {_q(table.name)} (\n  " + ",\n  ".join(cols) + "\n)"


def write_sqlite(rows: dict[str, list[tuple]], release: dict[str, Any], out: str | Path) -> Path:
    """Write one SQLite database: every table with its primary and foreign keys and indexes, an FTS5 index
    ``<table>_fts`` (external content; words, Porter-stemmed English) over names and product terms, a
    second index ``<table>_fts_trigram`` over the same columns for Chinese (any substring: ``MATCH`` for
    three or more characters; for one or two, ``LIKE`` on the table itself), and the tables ``about_release``,
    ``about_tables`` and ``about_columns`` (descriptions, units, code systems).

    Raises
    ------
    InputFileError
        A foreign key does not resolve (the data is inconsistent), or ``out`` cannot be written.
    """
    out = check_target("sqlite", out)
    folder = out.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            _fill(con, rows, release)
        finally:
            con.close()
        with atomic_write(out, "wb") as fh, open(tmp, "rb") as src:
            while chunk := src.read(1 << 20):
                fh.write(chunk)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return out


def _fill(con: sqlite3.Connection, rows: dict[str, list[tuple]], release: dict[str, Any]) -> None:
    con.execute("PRAGMA page_size = 4096")
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA foreign_keys = ON")
    version = release["version"]
    digits = version.replace(".", "")
    con.execute(f"PRAGMA user_version = {int(digits) if digits.isdigit() else 0}")
    con.execute("BEGIN")
    con.execute("PRAGMA defer_foreign_keys = ON")
    con.execute("CREATE TABLE about_release (key TEXT PRIMARY KEY, value TEXT)")
    flat = {k: v for k, v in release.items() if k != "licence"}
    for kind, lic in release["licence"].items():
        flat[f"licence_{kind}"] = f"{lic['name']} ({lic['url']})"
    con.executemany("INSERT INTO about_release VALUES (?, ?)", sorted(flat.items()))
    con.execute("CREATE TABLE about_tables (table_name TEXT PRIMARY KEY, description TEXT, primary_key TEXT)")
    con.execute("CREATE TABLE about_columns (table_name TEXT, column_name TEXT, type TEXT, required INTEGER, "
                "description TEXT, unit TEXT, code_system TEXT, PRIMARY KEY (table_name, column_name))")
    for t in TABLES:
        con.execute(_create_sql(t))
        con.execute("INSERT INTO about_tables VALUES (?, ?, ?)", (t.name, t.description, ", ".join(t.primary_key)))
        con.executemany("INSERT INTO about_columns VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(t.name, c.name, c.type, int(c.required), c.description, c.unit, c.code_system)
                         for c in t.columns])
        marks = ", ".join("?" * len(t.columns))
        con.executemany(f"INSERT INTO {_q(t.name)} VALUES ({marks})",
                        [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in rows[t.name]])
        for cols in t.indexes:
            con.execute(f"CREATE INDEX {_q('idx_' + t.name + '_' + '_'.join(cols))} ON {_q(t.name)} "
                        f"({', '.join(map(_q, cols))})")
        if t.fts:
            fts = f"{t.name}_fts"
            con.execute(f"CREATE VIRTUAL TABLE {_q(fts)} USING fts5({', '.join(map(_q, t.fts))}, "
                        f"content={_q(t.name)}, tokenize='porter unicode61 remove_diacritics 2')")
            con.execute(f"INSERT INTO {_q(fts)}({_q(fts)}) VALUES ('rebuild')")
            # unicode61 keeps a run of Chinese characters as one token, so '假发' cannot find '蕾丝假发';
            # the trigram index finds any substring of three or more characters by MATCH
            # (https://www.sqlite.org/fts5.html#the_trigram_tokenizer); shorter ones need LIKE on the table.
            tri = f"{t.name}_fts_trigram"
            con.execute(f"CREATE VIRTUAL TABLE {_q(tri)} USING fts5({', '.join(map(_q, t.fts))}, "
                        f"content={_q(t.name)}, tokenize='trigram')")
            con.execute(f"INSERT INTO {_q(tri)}({_q(tri)}) VALUES ('rebuild')")
    bad = con.execute("PRAGMA foreign_key_check").fetchall()
    if bad:
        con.execute("ROLLBACK")
        table, rowid, parent, _ = bad[0]
        raise InputFileError(f"{len(bad)} foreign key(s) do not resolve; first: {table} row {rowid} -> {parent}")
    con.execute("COMMIT")
    con.execute("VACUUM")


# -- Parquet -----------------------------------------------------------------------------------------------

def write_parquet(rows: dict[str, list[tuple]], release: dict[str, Any], out: str | Path) -> list[Path]:
    """Write ``out/<table>.parquet`` for every table: typed columns (string, int64, float64, bool) with each
    column's description, unit and code system in its field metadata, and the release and the table's keys
    in the file's key-value metadata (``clusteratlas.release``, ``clusteratlas.table``).

    Raises
    ------
    InputFileError
        pyarrow is missing, or ``out`` cannot be written.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - pyarrow is a base dependency
        raise InputFileError("writing Parquet needs pyarrow (pip install pyarrow)") from None
    out = check_output_folder(out)
    out.mkdir(exist_ok=True)
    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    written = []
    release_json = json.dumps(release, ensure_ascii=False, sort_keys=True)
    for t in TABLES:
        fields = []
        for c in t.columns:
            meta = {"description": c.description}
            if c.unit:
                meta["unit"] = c.unit
            if c.code_system:
                meta["code_system"] = c.code_system
            fields.append(pa.field(c.name, types[c.type], nullable=not c.required, metadata=meta))
        table_meta = {"name": t.name, "description": t.description, "primary_key": list(t.primary_key),
                      "foreign_keys": [{"fields": list(a), "table": b, "reference": list(r)}
                                       for a, b, r in t.foreign_keys]}
        schema = pa.schema(fields, metadata={"clusteratlas.release": release_json,
                                             "clusteratlas.table": json.dumps(table_meta, ensure_ascii=False)})
        columns = list(zip(*rows[t.name])) if rows[t.name] else [[] for _ in t.columns]
        arrow = pa.Table.from_arrays([pa.array(list(col), type=f.type) for col, f in zip(columns, fields)],
                                     schema=schema)
        path = out / f"{t.name}.parquet"
        with atomic_write(path, "wb") as fh:
            pq.write_table(arrow, fh, compression="zstd")
        written.append(path)
    return written
