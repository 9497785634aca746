"""scripts/data_changelog.py: CHANGELOG-data.md generated from the git history of a data folder (a tiny git
repository built in tmp_path)."""

from __future__ import annotations

import copy
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from atlas_fixtures import MINI, write_atlas_dir

ROOT = Path(__file__).resolve().parents[1]
DATA = "src/clusteratlas/data"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _script():
    spec = importlib.util.spec_from_file_location("data_changelog", ROOT / "scripts" / "data_changelog.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("data_changelog", mod)  # dataclasses look their module up while the class is made
    spec.loader.exec_module(mod)
    return mod


def _commit(repo: Path, message: str, date: str) -> None:
    env = os.environ | {"GIT_AUTHOR_DATE": f"{date}T12:00:00+00:00", "GIT_COMMITTER_DATE": f"{date}T12:00:00+00:00",
                        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", message], check=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    spec = copy.deepcopy(MINI)
    data = write_atlas_dir(repo / DATA, spec)
    (repo / "README.md").write_text("x\n", "utf-8")
    _commit(repo, "first data", "2027-01-05")
    # release 2027.1: a new cluster, a corrected figure, the release file
    wigs = spec["industries"]["wigs"]["clusters"]
    wigs[0]["claims"][0]["value"] = 67
    wigs.append(copy.deepcopy(wigs[0]) | {"id": "newtown-wigs", "name_en": "Newtown wigs"})
    write_atlas_dir(data, spec)
    (data / "release.yaml").write_text(yaml.safe_dump({"version": "2027.1", "build_date": "2027-01-20"}), "utf-8")
    _commit(repo, "more wigs", "2027-01-20")
    (repo / "README.md").write_text("y\n", "utf-8")
    _commit(repo, "not data", "2027-01-21")
    # after the release: a cluster removed, another figure changed
    spec["industries"]["socks"]["clusters"] = []
    wigs[1]["claims"][1]["value"] = 55
    write_atlas_dir(data, spec)
    _commit(repo, "fewer socks", "2027-02-02")
    return repo


def test_changelog_lists_releases_clusters_and_corrected_figures(repo):
    text = _script().build_changelog(repo, DATA)
    assert text.startswith("# Data changelog") and "do not edit by hand" in text
    unreleased, released = text.index("## Unreleased"), text.index("## 2027.1 (2027-01-20)")
    assert unreleased < released  # newest first
    later, first = text[unreleased:released], text[released:]
    assert "- Clusters removed (1): `lishui-socks`" in later
    assert "`newtown-wigs` share_of_world_output 50 percent" in later and "value 50 → 55" in later
    assert "- Clusters added (1): `newtown-wigs`" in first
    assert "`xuchang-wigs` share_of_world_output 60 percent" in first and "value 60 → 67" in first
    assert "### 2027-01-05" in first and "First data: 2 clusters, 2 claims" in first
    assert "not data" not in text and text.count("###") == 3


def test_a_tag_cuts_a_release_and_check_mode(repo, capsys):
    subprocess.run(["git", "-C", str(repo), "tag", "data-2027.2"], check=True)
    mod = _script()
    text = mod.build_changelog(repo, DATA)
    assert "## data-2027.2 (2027-02-02)" in text and "## Unreleased" not in text
    assert mod.main(["--repo", str(repo), "--data-path", DATA, "--check"]) == 1
    assert mod.main(["--repo", str(repo), "--data-path", DATA]) == 0
    assert (repo / "CHANGELOG-data.md").read_text("utf-8") == text
    assert mod.main(["--repo", str(repo), "--data-path", DATA, "--check"]) == 0
