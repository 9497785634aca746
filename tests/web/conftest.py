"""Fixtures for the web tests (the atlas itself is generated in ``_webatlas.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install 'clusteratlas[web]')")

from _webatlas import write_web_atlas  # noqa: E402


@pytest.fixture(scope="session")
def web_dir(tmp_path_factory) -> Path:
    return write_web_atlas(tmp_path_factory.mktemp("webatlas") / "data")


@pytest.fixture(scope="session")
def web_atlas(web_dir):
    from clusteratlas.atlas import load_atlas

    return load_atlas(web_dir)


@pytest.fixture(scope="session")
def app(web_atlas):
    from clusteratlas.web import create_app

    return create_app(web_atlas)


@pytest.fixture()
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
