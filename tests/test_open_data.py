"""The open-data exports: a Frictionless Data Package, SQLite for Datasette, Parquet for DuckDB; reproducible
and atomic; carrying the data release."""

from __future__ import annotations

import asyncio
import copy
import csv
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from atlas_fixtures import MINI, MINI_REGISTERS, write_atlas_dir
from clusteratlas.atlas import load_atlas
from clusteratlas.export import OPEN_DATA_FORMATS, write_open_data
from clusteratlas.export._tables import TABLES
from clusteratlas.release import load_release


@pytest.fixture(scope="module")
def shipped():
    return load_atlas()


@pytest.fixture(scope="module")
def exported(shipped, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("open")
    for fmt, name in (("datapackage", "dp"), ("sqlite", "atlas.db"), ("parquet", "pq")):
        write_open_data(shipped, fmt, root / name)
    return root


def _hashes(path: Path) -> dict[str, str]:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {"." if p == path else p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in files}


# -- the table schema -----------------------------------------------------------------------------------

def test_every_column_is_described_and_every_key_names_real_columns():
    names = {t.name: set(t.column_names) for t in TABLES}
    for t in TABLES:
        assert t.description and all(c.description for c in t.columns), t.name
        assert set(t.primary_key) <= names[t.name]
        for cols, ref, ref_cols in t.foreign_keys:
            assert set(cols) <= names[t.name] and set(ref_cols) <= names[ref], (t.name, ref)
        for cols in (*t.indexes, t.fts):
            assert set(cols) <= names[t.name]
    assert {"industries", "industry_groups", "places", "clusters", "claims", "sources", "titles", "markets",
            "fair_dates", "registers", "register_entries", "corrections"} <= set(names)
    # tables come after the tables they reference (the writers insert in this order)
    order = [t.name for t in TABLES]
    for t in TABLES:
        for _, ref, _ in t.foreign_keys:
            assert order.index(ref) <= order.index(t.name)


# -- Data Package ---------------------------------------------------------------------------------------

def test_datapackage_validates_with_frictionless(exported):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(exported / "dp" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    desc = json.loads((exported / "dp" / "datapackage.json").read_text("utf-8"))
    assert desc["version"] == load_release().version and desc["licenses"][0]["name"] == "CC-BY-4.0"
    assert "created" in desc and desc["citation"] == load_release().cite_as
    claims = next(r for r in desc["resources"] if r["name"] == "claims")["schema"]
    assert claims["primaryKey"] == ["claim_id"]
    assert {"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["source_id"]}} in claims["foreignKeys"]
    lat = next(f for r in desc["resources"] if r["name"] == "clusters" for f in r["schema"]["fields"]
               if f["name"] == "lat")
    assert lat["type"] == "number" and "WGS-84" in lat["unit"]


def test_a_broken_foreign_key_fails_frictionless(exported, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    import shutil

    copy = tmp_path / "dp"
    shutil.copytree(exported / "dp", copy)
    path = copy / "data" / "claims.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[1][rows[0].index("source_id")] = "no-such-source"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    desc = json.loads((copy / "datapackage.json").read_text("utf-8"))
    for r in desc["resources"]:  # drop the size and hash so that only the foreign key can fail
        r.pop("bytes"), r.pop("hash")
    (copy / "datapackage.json").write_text(json.dumps(desc), "utf-8")
    report = frictionless.validate(str(copy / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {e.type for task in report.tasks for e in task.errors}


# -- SQLite and Datasette -------------------------------------------------------------------------------

def test_sqlite_has_keys_indexes_fulltext_and_the_release(exported, shipped):
    con = sqlite3.connect(exported / "atlas.db")
    try:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        fks = con.execute("PRAGMA foreign_key_list(claims)").fetchall()
        assert {(r[2], r[3], r[4]) for r in fks} == {("clusters", "cluster_id", "cluster_id"),
                                                     ("sources", "source_id", "source_id")}
        indexes = {r[1] for r in con.execute("PRAGMA index_list(claims)")}
        assert "idx_claims_source_id" in indexes
        hits = {r[0] for r in con.execute("SELECT c.cluster_id FROM clusters_fts f JOIN clusters c "
                                          "ON c.rowid = f.rowid WHERE clusters_fts MATCH 'wig'")}
        named = {c.id for c in shipped.clusters.values() if "wigs" in c.name_en.lower().split()}
        assert named and named <= hits and all(shipped.cluster(h).industry == "wigs" for h in hits)
        assert con.execute("SELECT industry_id FROM industry_terms_fts f JOIN industry_terms t ON t.rowid = f.rowid "
                           "WHERE industry_terms_fts MATCH '假发'").fetchall() == [("wigs",)]
        # Chinese inside a longer name: the word index cannot see it, the trigram index can
        zh = next(c for c in shipped.clusters.values() if len(c.name_zh) >= 6)
        inner = zh.name_zh[1:4]
        tri = {r[0] for r in con.execute("SELECT c.cluster_id FROM clusters_fts_trigram f JOIN clusters c "
                                         "ON c.rowid = f.rowid WHERE clusters_fts_trigram MATCH ?", (f'"{inner}"',))}
        assert zh.id in tri and all(inner in shipped.cluster(h).name_zh for h in tri)
        release = dict(con.execute("SELECT key, value FROM about_release"))
        assert release["version"] == load_release().version and "CC BY 4.0" in release["licence_data"]
        assert con.execute("SELECT unit FROM about_columns WHERE table_name='clusters' AND column_name='lon'"
                           ).fetchone()[0].startswith("degree")
        for t in TABLES:
            assert con.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0] >= 1, t.name
    finally:
        con.close()


def test_datasette_answers_a_join_of_clusters_claims_and_sources(exported, shipped):
    datasette_app = pytest.importorskip("datasette.app")
    ds = datasette_app.Datasette([str(exported / "atlas.db")])
    sql = ("select c.cluster_id, k.metric, k.value, s.publisher, s.url from clusters c "
           "join claims k on k.cluster_id = c.cluster_id join sources s on s.source_id = k.source_id "
           "where c.cluster_id = :cid order by k.seq")

    async def query():
        return await ds.client.get("/atlas.json", params={"sql": sql, "cid": "datang-socks", "_shape": "array"})

    resp = asyncio.run(query())
    assert resp.status_code == 200
    rows = resp.json()
    cluster = shipped.cluster("datang-socks")
    assert [r["metric"] for r in rows] == [x.metric for x in cluster.claims]
    assert [r["publisher"] for r in rows] == [shipped.source(x.source).publisher for x in cluster.claims]

    async def search():
        return await ds.client.get("/atlas/clusters.json", params={"_search": "socks", "_shape": "array"})

    found = {r["cluster_id"] for r in asyncio.run(search()).json()}
    assert "datang-socks" in found


# -- Parquet and DuckDB ---------------------------------------------------------------------------------

def test_duckdb_reads_the_parquet_with_the_counts_of_stats(exported, shipped):
    duckdb = pytest.importorskip("duckdb")
    from clusteratlas.coverage import coverage_stats

    stats = coverage_stats(shipped)
    con = duckdb.connect()

    def n(table: str) -> int:
        return con.execute(f"select count(*) from read_parquet('{exported / 'pq' / table}.parquet')").fetchone()[0]

    for table, key in (("clusters", "clusters"), ("industries", "industries"), ("industry_groups", "industry_groups"),
                       ("claims", "claims"), ("sources", "sources"), ("titles", "titles"), ("markets", "markets"),
                       ("registers", "registers")):
        assert n(table) == stats[key], table
    lines = con.execute(f"select count(distinct (register_id, name_zh)) from "
                        f"read_parquet('{exported / 'pq'}/register_entries.parquet')").fetchone()[0]
    assert lines == stats["register_lines_entered"]  # a line naming several places is one line, several rows
    verified = con.execute(f"select count(*) from read_parquet('{exported / 'pq'}/claims.parquet') "
                           "where confidence = 'verified'").fetchone()[0]
    assert verified == stats["claims_verified"]
    import pyarrow.parquet as pq

    schema = pq.read_schema(exported / "pq" / "clusters.parquet")
    assert schema.field("lat").metadata[b"unit"].startswith(b"degree")
    assert json.loads(schema.metadata[b"clusteratlas.release"])["version"] == load_release().version
    assert str(schema.field("in_seed").type) == "bool"


# -- reproducible and atomic ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", OPEN_DATA_FORMATS)
def test_two_exports_of_the_same_data_are_byte_identical(fmt, tmp_path):
    data = write_atlas_dir(tmp_path / "data", MINI | {"register_files": MINI_REGISTERS})
    first, second = tmp_path / "one", tmp_path / "two"
    write_open_data(load_atlas(data), fmt, first)
    write_open_data(load_atlas(data), fmt, second)
    assert _hashes(first) == _hashes(second) and len(_hashes(first)) >= 1
    # and the bytes follow the data: a changed figure changes them
    spec = copy.deepcopy(MINI | {"register_files": MINI_REGISTERS})
    spec["industries"]["wigs"]["clusters"][0]["claims"][0]["value"] += 1.5
    changed = write_atlas_dir(tmp_path / "changed", spec)
    third = tmp_path / "three"
    write_open_data(load_atlas(changed), fmt, third)
    assert _hashes(third) != _hashes(first)


@pytest.mark.parametrize("fmt", ("csv", "geojson", "json"))
def test_row_exports_are_byte_identical_too(fmt, mini_dir, tmp_path):
    from clusteratlas.export import write_export

    atlas = load_atlas(mini_dir)
    write_export(atlas, fmt, tmp_path / f"a.{fmt}")
    write_export(load_atlas(mini_dir), fmt, tmp_path / f"b.{fmt}")
    assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes()


def test_a_failed_sqlite_export_leaves_the_old_file_and_no_temporary_files(mini_dir, tmp_path, monkeypatch):
    from clusteratlas.export import _formats

    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "atlas.db"
    write_open_data(load_atlas(mini_dir), "sqlite", out)
    before = out.read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(_formats, "_fill", boom)
    with pytest.raises(RuntimeError):
        write_open_data(load_atlas(mini_dir), "sqlite", out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["atlas.db"]


def test_cli_export_open_formats(mini_dir, tmp_path):
    from typer.testing import CliRunner

    from clusteratlas.cli import build_app

    runner = CliRunner()
    res = runner.invoke(build_app(), ["export", "--format", "sqlite", "--out", str(tmp_path / "a.db"),
                                      "--data-dir", str(mini_dir)])
    assert res.exit_code == 0, res.output
    assert sqlite3.connect(tmp_path / "a.db").execute("select count(*) from clusters").fetchone()[0] == \
        len(load_atlas(mini_dir).clusters)
    res = runner.invoke(build_app(), ["export", "--format", "parquet", "--data-dir", str(mini_dir)])
    assert res.exit_code == 2 and "--out" in res.output
    (tmp_path / "file").write_text("x", "utf-8")
    res = runner.invoke(build_app(), ["export", "--format", "datapackage", "--out", str(tmp_path / "file"),
                                      "--data-dir", str(mini_dir)])
    assert res.exit_code != 0 and "a file is there" in str(res.exception or res.output)


def test_an_unresolved_reference_is_a_one_line_error_before_any_file(tmp_path):
    from clusteratlas.errors import DataValidationError

    spec = copy.deepcopy(MINI)
    cluster = spec["industries"]["wigs"]["clusters"][0]
    cluster["titles"] = [{"en": "Wig capital", "register_id": "no-such-register", "source": "test-source"}]
    atlas = load_atlas(write_atlas_dir(tmp_path / "data", spec))
    with pytest.raises(DataValidationError, match=r"^titles 'xuchang-wigs/1' field register_id: 'no-such-register' "
                                                  r"is not in registers.register_id; run clusteratlas validate"):
        write_open_data(atlas, "datapackage", tmp_path / "dp")
    assert not (tmp_path / "dp").exists()
