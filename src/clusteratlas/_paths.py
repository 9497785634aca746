"""Where the package's own files live (one definition for every module)."""

from __future__ import annotations

from pathlib import Path

#: The installed package folder.
PACKAGE_DIR = Path(__file__).resolve().parent
#: The shipped atlas data folder (industries/, sources/, registers/, markets/, taxonomy.yaml).
DATA_DIR = PACKAGE_DIR / "data"
#: The gazetteer tables (units.tsv.gz, former_names.tsv, aliases.yaml, polygon_codes.json).
GAZETTEER_DIR = DATA_DIR / "gazetteer"
#: The JSON Schemas generated from the model.
SCHEMA_DIR = DATA_DIR / "schema"
#: The map page and its files.
STATIC_DIR = PACKAGE_DIR / "web" / "static"
