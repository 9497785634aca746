"""The data release: one home for version, build date, licences and citation (release.yaml), CITATION.cff
and LICENSE-data in step with it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clusteratlas.errors import DataValidationError
from clusteratlas.release import UNVERSIONED, atlas_counts, load_release, meta_payload

ROOT = Path(__file__).resolve().parents[1]


def test_the_shipped_release_has_a_calendar_version_a_fixed_build_date_and_cc_by():
    r = load_release()
    assert r.version.count(".") >= 1 and r.build_date and len(r.build_date) == 10
    assert r.licence["data"].id == "CC-BY-4.0" and r.licence["code"].id == "MIT"
    assert r.version in r.cite_as and r.build_date in r.cite_as and "{" not in r.cite_as


def test_citation_cff_and_licence_files_agree_with_the_release():
    r = load_release()
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["authors"]
    assert (str(cff["version"]), str(cff["date-released"])) == (r.version, r.build_date)
    assert cff["license"] == r.licence["data"].id
    for lic in r.licence.values():
        assert (ROOT / lic.file).is_file(), lic.file
    assert "CC BY 4.0" in (ROOT / "LICENSE-data").read_text("utf-8")


def test_a_folder_without_release_yaml_is_unversioned_with_the_shipped_licences(mini_dir):
    r = load_release(mini_dir)
    assert r.version == UNVERSIONED and r.build_date is None
    assert r.licence == load_release().licence and UNVERSIONED in r.cite_as


def test_a_folder_with_its_own_release(mini_dir):
    raw = load_release().model_dump()
    raw.update(version="2027.3", build_date="2027-03-01")
    (mini_dir / "release.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    from clusteratlas.atlas import load_atlas

    atlas = load_atlas(mini_dir)
    meta = meta_payload(atlas)
    assert (meta["version"], meta["build_date"]) == ("2027.3", "2027-03-01") and "2027.3" in meta["cite_as"]
    assert meta["counts"] == atlas_counts(atlas) and meta["counts"]["clusters"] == len(atlas.clusters)


@pytest.mark.parametrize("text, word", [("version: [", "malformed YAML"), ("version: 'v1'\n", "version"),
                                        ("- a list", "mapping")])
def test_a_bad_release_file_is_one_line_error(mini_dir, text, word):
    (mini_dir / "release.yaml").write_text(text, "utf-8")
    with pytest.raises(DataValidationError) as err:
        load_release(mini_dir)
    assert word in str(err.value) and "\n" not in str(err.value)
