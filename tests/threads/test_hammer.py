"""Thread safety: 16 threads call ``find``, ``resolve_place`` and ``match_products`` at once in a fresh process
(cold: indexes and tables are built while the threads run, no disk cache), and every answer must equal the
single-threaded one. Any exception fails the test.

Run it many times in a row with ``pytest tests/threads --count`` … or ``for i in $(seq 20); do pytest -q
tests/threads || break; done`` (see benchmarks/README.md); the issue asks for 20 clean runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from atlas_fixtures import TEST_DATA

SCRIPT = r'''
import json, sys, threading
from concurrent.futures import ThreadPoolExecutor

queries = json.loads(sys.stdin.read())
mode = sys.argv[1]

import clusteratlas

def one(task):
    kind, q = task
    if kind == "find":
        return [[r.cluster_id, r.score] for r in clusteratlas.find(q, limit=5)]
    if kind == "place":
        return [[c.adcode, c.score, c.ambiguous] for c in clusteratlas.resolve_place(q, limit=5)]
    return [m.to_dict() for m in clusteratlas.match_products([q, q.upper(), q + " 2024 new"])]

tasks = [("find", q) for q in queries["search"]] + [("place", q) for q in queries["places"]]
tasks += [("match", q) for q in queries["search"]]
if mode == "threads":
    barrier = threading.Barrier(16)
    def start(task):
        return one(task)
    def first(_):
        barrier.wait()  # every thread asks at the same moment, before anything is loaded
        return None
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(first, range(16)))
        # interleave kinds so that searches, place look-ups and matches run side by side
        order = sorted(range(len(tasks)), key=lambda i: (i % 16, i))
        results = dict(zip(order, pool.map(lambda i: one(tasks[i]), order)))
    out = [results[i] for i in range(len(tasks))]
else:
    out = [one(t) for t in tasks]
print(json.dumps(out, ensure_ascii=False))
'''


def _queries() -> dict[str, list[str]]:
    def col(name: str) -> list[str]:
        rows = []
        for line in (TEST_DATA / name).read_text("utf-8").splitlines():
            if line.strip() and not line.startswith("#") and not line.startswith("query\t"):
                rows.append(line.split("\t")[0])
        return rows

    return {"search": col("queries_labelled.tsv")[::2] + col("queries_holdout.tsv")[::3],
            "places": col("places_labelled.tsv")[::2] + col("dev_places.tsv")}


def _run(mode: str, queries: dict, tmp: Path) -> list:
    env = {**os.environ, "CLUSTERATLAS_NO_CACHE": "1", "PYTHONHASHSEED": "0"}
    res = subprocess.run([sys.executable, "-c", SCRIPT, mode], input=json.dumps(queries), capture_output=True,
                         text=True, env=env, timeout=600, cwd=tmp)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout)


def test_sixteen_threads_answer_like_one(tmp_path):
    queries = _queries()
    threaded = _run("threads", queries, tmp_path)
    single = _run("single", queries, tmp_path)
    assert len(threaded) == len(single) > 700
    diffs = [i for i, (a, b) in enumerate(zip(threaded, single)) if a != b]
    assert diffs == [], f"{len(diffs)} answers differ, first at task {diffs[:5]}"
