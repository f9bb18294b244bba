"""The OpenAPI document, the interactive docs, and the one error body shape."""

import re

import pytest
from django.test import Client

from tests.api.utils import errors, url
from wavelength.catalog.models import Product

pytestmark = pytest.mark.django_db


def test_openapi_document_is_served_without_credentials():
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Wavelength API"
    assert "/api/v1/features" in schema["paths"]
    assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])
    feature_out = schema["components"]["schemas"]["FeatureDetailOut"]["properties"]
    assert {"description_html", "stage", "owner_team", "tags", "url"} <= set(feature_out)
    errors_documented = schema["paths"]["/api/v1/features"]["post"]["responses"]
    assert {"201", "401", "403", "404", "422"} <= set(errors_documented)


def test_every_schema_has_a_name_of_its_own():
    """The document keeps one schema per name: two classes with one name would document one
    operation with the other's fields (the planning and insights figures did)."""
    from ninja import Schema

    import wavelength.urls  # noqa: F401 - every router and its schemas

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    modules: dict[str, set[str]] = {}
    for schema in subclasses(Schema):
        if schema.__module__.startswith("wavelength."):
            modules.setdefault(schema.__name__, set()).add(schema.__module__)
    assert {name: found for name, found in modules.items() if len(found) > 1} == {}


def test_docs_page_uses_the_bundled_assets():
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # Every script and style comes from this server (a CSRF token may contain "cdn" by chance).
    sources = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert sources
    assert [source for source in sources if not source.startswith("/")] == []
    asset = Client().get("/static/ninja/swagger-ui-bundle.js")
    assert asset.status_code == 200


def test_malformed_json_is_400_with_the_error_shape(editor_api):
    response = editor_api.post(url("product-create"), "{not json", content_type="application/json")
    assert response.status_code == 400
    assert errors(response) == {"": "The request body is not valid JSON."}


def test_validation_errors_name_nested_fields_with_dots(editor_api, product):
    response = editor_api.post(
        url("feature-create"),
        {"product": "orbit", "title": "X", "tags": ["a", ["b"]]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(errors(response)) == ["tags.1"]


def test_body_that_is_not_an_object_is_422(editor_api):
    response = editor_api.post(url("product-create"), [1, 2], content_type="application/json")
    assert response.status_code == 422
    assert not Product.objects.exists()


@pytest.mark.parametrize("body", ["[null, null]", '"a name"', "3", "null", "true"])
def test_a_patch_whose_body_is_not_an_object_is_422_and_changes_nothing(admin_api, body):
    from wavelength.accounts.models import Team

    team = Team.objects.create(name="Field ops", slug="field-ops")
    response = admin_api.patch(url("team-update", team.slug), body, content_type="application/json")
    assert response.status_code == 422
    assert errors(response) == {"": "Send a JSON object."}
    team.refresh_from_db()
    assert team.name == "Field ops"


def test_unknown_route_is_404(viewer_api):
    assert viewer_api.get("/api/v1/nothing-here").status_code == 404


def test_each_schema_name_is_one_schema():
    """Playbook runs and test runs are documented with their own schemas (a client generated
    from the OpenAPI must be able to read both)."""
    spec = Client().get(url("openapi-json")).json()
    schemas = spec["components"]["schemas"]

    def named(ref):
        return schemas[ref.rsplit("/", 1)[1]]

    def listed(path):
        body = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        page = named(body["schema"]["$ref"])
        return named(page["properties"]["items"]["items"]["$ref"])["properties"]

    assert "playbook" in listed("/api/v1/runs")
    assert "build" in listed("/api/v1/quality/runs")
