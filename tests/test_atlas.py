"""Loading and validating atlas folders (fixture generated in code)."""

from __future__ import annotations

import pytest

from clusteratlas.atlas import load_atlas
from clusteratlas.errors import ClusterNotFound, DataValidationError
from atlas_fixtures import write_atlas_dir


def test_loads_mini_atlas_and_looks_up(mini_dir):
    atlas = load_atlas(mini_dir)
    assert sorted(atlas.industries) == ["socks", "wigs"]
    assert atlas.cluster("xuchang-wigs").place.adcode == "411000"
    assert [c.id for c in atlas.clusters_in("4406")] == ["lishui-socks"]
    assert [c.id for c in atlas.clusters_in("41")] == ["xuchang-wigs"]
    assert atlas.clusters_of("socks")[0].id == "lishui-socks"


def test_conflicting_claims_are_kept_side_by_side(mini_dir):
    atlas = load_atlas(mini_dir)
    c = atlas.cluster("xuchang-wigs")
    assert [cl.value for cl in atlas.claims_by_metric(c)["share_of_world_output"]] == [60, 50]
    detail = atlas.cluster_detail(c)
    assert detail["conflicts"] == {"share_of_world_output": [0, 1]}
    assert detail["claims"][0]["source_detail"]["url"] == "https://example.org/test"


def test_unknown_cluster_suggests_close_ids(mini_dir):
    atlas = load_atlas(mini_dir)
    with pytest.raises(ClusterNotFound, match="xuchang-wigs"):
        atlas.cluster("xuchang-wig")
    with pytest.raises(LookupError):
        atlas.cluster("nothing-like-it")


def test_malformed_yaml_names_file_and_line(mini_dir):
    bad = mini_dir / "industries" / "socks.yaml"
    bad.write_text("industry: {id: socks\nclusters: [", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        load_atlas(mini_dir)
    msg = str(err.value)
    assert "socks.yaml" in msg and "line" in msg and "\n" not in msg


def test_bad_field_names_file_record_and_field(tmp_path, mini_spec):
    mini_spec["industries"]["wigs"]["clusters"][0]["place"]["lat"] = 99.0
    root = write_atlas_dir(tmp_path / "d", mini_spec)
    with pytest.raises(DataValidationError) as err:
        load_atlas(root)
    msg = str(err.value)
    assert "wigs.yaml" in msg and "'xuchang-wigs'" in msg and "place.lat" in msg


def test_unknown_source_is_an_error(tmp_path, mini_spec):
    mini_spec["industries"]["wigs"]["clusters"][0]["claims"][0]["source"] = "nowhere"
    root = write_atlas_dir(tmp_path / "d", mini_spec)
    with pytest.raises(DataValidationError, match=r"claims\.0\.source: unknown source 'nowhere'"):
        load_atlas(root)


def test_duplicate_cluster_id_and_same_place_are_errors(tmp_path, mini_spec):
    dup = dict(mini_spec["industries"]["wigs"]["clusters"][0])
    mini_spec["industries"]["wigs"]["clusters"].append(dup)
    root = write_atlas_dir(tmp_path / "d", mini_spec)
    with pytest.raises(DataValidationError, match="duplicate cluster id"):
        load_atlas(root)
    dup2 = dict(dup, id="other-wigs")
    mini_spec["industries"]["wigs"]["clusters"][-1] = dup2
    root = write_atlas_dir(tmp_path / "e", mini_spec)
    with pytest.raises(DataValidationError, match="same industry and place"):
        load_atlas(root)


def test_cluster_id_must_end_with_industry(tmp_path, mini_spec):
    mini_spec["industries"]["wigs"]["clusters"][0]["id"] = "xuchang-hair"
    root = write_atlas_dir(tmp_path / "d", mini_spec)
    with pytest.raises(DataValidationError, match="must end with '-wigs'"):
        load_atlas(root)


def test_unknown_yaml_key_is_rejected(tmp_path, mini_spec):
    mini_spec["industries"]["wigs"]["clusters"][0]["shaer"] = 0.6
    root = write_atlas_dir(tmp_path / "d", mini_spec)
    with pytest.raises(DataValidationError, match="shaer"):
        load_atlas(root)


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(DataValidationError, match="not a folder"):
        load_atlas(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataValidationError, match="no industries"):
        load_atlas(tmp_path / "empty")


@pytest.mark.parametrize("change,message", [
    ({"value": -5, "unit": "pairs"}, "cannot be negative"),
    ({"value": 170, "unit": "percent"}, "cannot exceed 100 percent"),
    ({"value": float("nan")}, "finite"),
])
def test_impossible_figures_are_rejected(tmp_path, mini_spec, change, message):
    mini_spec["industries"]["wigs"]["clusters"][0]["claims"][0].update(change)
    root = write_atlas_dir(tmp_path / "d", mini_spec)
    with pytest.raises(DataValidationError, match=message):
        load_atlas(root)
