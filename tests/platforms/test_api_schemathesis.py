"""Every operation of the API, run with requests generated from its OpenAPI description (schemathesis,
a bounded number of examples each, one database): no server error, and no answer the description
does not allow (status, content type, body)."""

import json
import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis import checks

from childshield.accounts.models import Agency, AgencyKind
from childshield.hashing.models import ApiScope
from childshield.platforms.services.credentials import platform_credential_create

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def _loaded() -> "schemathesis.schemas.BaseSchema":
    """The description /api/v1/schema/ serves, generated in process (the schema is read at
    collection, before any database), calling the app in process too."""
    described = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    loaded = schemathesis.openapi.from_dict(described)
    loaded.app = get_wsgi_application()
    return loaded


schema = _loaded()


@pytest.fixture(autouse=True)
def connections_kept():
    """As Django's test client does: the app is called in process, inside the test's transaction, so
    the end of a request must not close the database connection (on PostgreSQL it would)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db, settings):
    settings.PLATFORMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # generated addresses are never resolved
    settings.HASHING_API_CALLS_PER_MINUTE = 10**9
    settings.HASHING_API_UPLOADS_PER_MINUTE = 10**9
    Agency.objects.get_or_create(country="VN", name="National Hotline (test)", kind=AgencyKind.HOTLINE)
    _platform, _key, secret = platform_credential_create(
        name=f"Schema App {uuid.uuid4().hex[:6]}", country="VN", scopes=list(ApiScope.values)
    )
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_answers_as_its_description_says(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)
