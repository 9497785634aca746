"""JSON Schemas generated from the pydantic models, shipped beside the data for other tools.

``data/schema/industry-file.schema.json``, ``sources-file.schema.json``, ``taxonomy-file.schema.json``,
``register-file.schema.json`` and ``markets-file.schema.json`` describe the five kinds of YAML file (draft 2020-12, as pydantic emits). A test regenerates them and fails
when the shipped copies are out of date; rebuild with ``python -m clusteratlas.schema``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clusteratlas._paths import SCHEMA_DIR
from clusteratlas.model import IndustryFile, MarketsFile, RegisterFile, SourcesFile, TaxonomyFile
MODELS = {"industry-file": IndustryFile, "sources-file": SourcesFile, "taxonomy-file": TaxonomyFile,
          "register-file": RegisterFile, "markets-file": MarketsFile}


def schemas() -> dict[str, dict[str, Any]]:
    """``{name: JSON Schema}`` for each kind of data file, generated from the models now."""
    out = {}
    for name, model in MODELS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://clusteratlas.invalid/schema/{name}.schema.json"
        out[name] = schema
    return out


def schema_text(schema: dict[str, Any]) -> str:
    """The canonical text of a schema file (sorted keys, two-space indent, final newline)."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(folder: Path = SCHEMA_DIR) -> list[Path]:
    """(Re)write the shipped schema files; returns their paths."""
    from clusteratlas.tables import atomic_write

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, schema in schemas().items():
        path = folder / f"{name}.schema.json"
        with atomic_write(path) as fh:
            fh.write(schema_text(schema))
        paths.append(path)
    return paths


if __name__ == "__main__":  # pragma: no cover
    for p in write_schemas():
        print(p)
