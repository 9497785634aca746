"""scripts/add_statement_zh.py: Chinese statements land on the right claim and the file still loads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from clusteratlas._paths import DATA_DIR
from clusteratlas.model import IndustryFile

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "add_statement_zh.py"


def test_statements_land_on_their_claims_and_the_file_still_validates(tmp_path):
    (tmp_path / "industries").mkdir()
    src = DATA_DIR / "industries" / "wigs.yaml"
    # the shipped file without its Chinese statements (the script must put them back in the right places)
    text = "".join(ln for ln in src.read_text(encoding="utf-8").splitlines(keepends=True)
                   if not ln.lstrip(" ").startswith("statement_zh:"))
    (tmp_path / "industries" / "wigs.yaml").write_text(text, encoding="utf-8")
    doc = yaml.safe_load(text)
    claims = [(c["id"], cl["statement"]) for c in doc["clusters"] for cl in c.get("claims") or []
              if not cl.get("statement_zh")]
    assert len(claims) >= 3
    pick = claims[:3]
    lines = [json.dumps({"cluster": cid, "statement": st, "statement_zh": f"第{i}条中文陈述"}, ensure_ascii=False)
             for i, (cid, st) in enumerate(pick)]
    lines.append(json.dumps({"cluster": "no-such-cluster", "statement": "x", "statement_zh": "无"}, ensure_ascii=False))
    tr = tmp_path / "zh.jsonl"
    tr.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(SCRIPT), str(tr), "--data-dir", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "added 3 of 4" in run.stdout and "no-such-cluster" in run.stderr
    new = yaml.safe_load((tmp_path / "industries" / "wigs.yaml").read_text(encoding="utf-8"))
    IndustryFile.model_validate(new)
    got = {(c["id"], cl["statement"]): cl.get("statement_zh") for c in new["clusters"] for cl in c.get("claims") or []}
    for i, key in enumerate(pick):
        assert got[key] == f"第{i}条中文陈述"
    assert sum(v is not None for v in got.values()) == 3 + sum(bool(cl.get("statement_zh")) for c in doc["clusters"]
                                                               for cl in c.get("claims") or [])
    # running again adds nothing (a claim that has a Chinese statement is left alone)
    again = subprocess.run([sys.executable, str(SCRIPT), str(tr), "--data-dir", str(tmp_path)],
                           capture_output=True, text=True, timeout=120)
    assert "added 0 of 4" in again.stdout
