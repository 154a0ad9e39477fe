"""The API against its own OpenAPI schema (schemathesis, through the ASGI app): no 5xx, documented answers."""
import tempfile

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from sitroom.web import create_app
from web_store import store_copy

app = create_app(db=store_copy(tempfile.mkdtemp(prefix="sitroom-openapi-")), max_upload=200_000)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_matches_its_schema(case):
    case.call_and_validate(checks=CHECKS)
