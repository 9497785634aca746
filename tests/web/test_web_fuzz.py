"""Issue 15, item 7: schemathesis over every operation of the OpenAPI document (a bounded number of examples
per operation, seeded): no 5xx, every response valid against its documented schema, content type and
status; plus the stateful run over the links schemathesis infers between operations."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is in the test extra")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

#: Examples per operation: bounded so that the whole run stays under about 10 s on one core.
EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="session")
def api_schema(app):
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


def test_every_operation(api_schema):
    """Each operation in turn (schemathesis' pytest plugin does not load under this pytest)."""
    from hypothesis import given

    labels = []
    for result in api_schema.get_all_operations():
        op = result.ok()
        labels.append(op.label)

        @given(case=op.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.validate_response(case.call(), checks=CHECKS)

        run()
    assert len(labels) >= 15 and "GET /api/v1/export.csv" in labels


def test_stateful_links(api_schema):
    """Follow the links between operations (ids from one answer fed to the next), with the same checks."""
    base = api_schema.as_state_machine()

    class Machine(base):
        def validate_response(self, response, case, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Machine.run(settings=settings(max_examples=15, stateful_step_count=4, deadline=None, derandomize=True,
                                  database=None, suppress_health_check=list(HealthCheck)))
