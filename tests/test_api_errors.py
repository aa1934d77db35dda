"""One error format for the whole API: ``{"errors": {...}, "code": ..., "status": ...}``.

401 and 404 are checked on the real organization endpoint; 403 and 400 on a small
viewset defined here (on the real base class and exception handler), so the format is
pinned down whatever endpoints the apps add."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import include, path
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from advocacy import urls as project_urls
from advocacy.api.base import ANY_MEMBER, OrgScopedViewSet
from advocacy.models import Department
from advocacy.permissions import Capability
from advocacy.tenancy import access_by_id


class ProbeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=20)
    department = serializers.IntegerField()

    def validate_department(self, value: int) -> Department:
        try:
            return access_by_id(Department, organization=self.context["organization"], pk=value)
        except Exception as exc:
            raise serializers.ValidationError("Choose a department of this organization.") from exc


class ProbeViewSet(OrgScopedViewSet):
    model = Department
    serializer_class = ProbeSerializer
    capabilities = {"list": ANY_MEMBER, "create": Capability.MANAGE_DEPARTMENTS}
    lookup_url_kwarg = "department_id"

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response([d.name for d in self.get_queryset()])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data["name"]
        if name == "taken":  # as a service would: a Django ValidationError with a field
            raise DjangoValidationError({"name": ["This name is taken."]})
        if name == "closed":  # and one without a field
            raise DjangoValidationError("The organization is closed for changes.")
        return Response({"name": name}, status=201)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.get_object().delete()  # never reached: "destroy" names no capability
        return Response(status=204)


router = SimpleRouter()
router.register("error-probe", ProbeViewSet, basename="error-probe")
urlpatterns = [
    path("api/v1/orgs/<slug:org_slug>/", include(router.urls)),
    *project_urls.urlpatterns,
]


def assert_error_shape(resp: Any, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.content
    assert resp["Content-Type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"errors", "code", "status"}, body
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["errors"], dict) and body["errors"]
    for messages in body["errors"].values():
        assert isinstance(messages, list) and messages
        assert all(isinstance(m, str) and m for m in messages)
    return body["errors"]


def test_401_when_not_signed_in(world, api_client):
    resp = api_client.get(f"/api/v1/orgs/{world.a.org.slug}/")
    errors = assert_error_shape(resp, 401, "not_authenticated")
    assert "detail" in errors
    assert resp["WWW-Authenticate"] == "Bearer"


def test_401_for_a_bad_token(world, api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer chorus_not-a-real-token")
    resp = api_client.get(f"/api/v1/orgs/{world.a.org.slug}/")
    assert_error_shape(resp, 401, "not_authenticated")


def test_404_for_a_foreign_organization_looks_like_a_missing_one(world, api_client):
    api_client.force_login(world.b.admin)
    foreign = api_client.get(f"/api/v1/orgs/{world.a.org.slug}/")
    missing = api_client.get("/api/v1/orgs/no-such-org/")
    assert assert_error_shape(foreign, 404, "not_found") == assert_error_shape(
        missing, 404, "not_found"
    )


@pytest.mark.urls(__name__)
def test_403_for_a_missing_capability(world, api_client):
    api_client.force_login(world.a.employee)
    url = f"/api/v1/orgs/{world.a.org.slug}/error-probe/"
    assert api_client.get(url).status_code == 200
    resp = api_client.post(url, {"name": "Ops", "department": world.a.department.pk}, format="json")
    assert_error_shape(resp, 403, "permission_denied")


@pytest.mark.urls(__name__)
def test_403_for_an_action_without_a_capability(world, api_client):
    api_client.force_login(world.a.admin)
    resp = api_client.delete(
        f"/api/v1/orgs/{world.a.org.slug}/error-probe/{world.a.department.pk}/"
    )
    # "destroy" is not in the viewset's capabilities: refused even to admins (fails closed).
    assert_error_shape(resp, 403, "permission_denied")
    assert Department.objects.filter(pk=world.a.department.pk).exists()


@pytest.mark.urls(__name__)
def test_400_with_field_messages(world, api_client):
    api_client.force_login(world.a.admin)
    url = f"/api/v1/orgs/{world.a.org.slug}/error-probe/"

    errors = assert_error_shape(api_client.post(url, {}, format="json"), 400, "invalid")
    assert set(errors) == {"name", "department"}

    errors = assert_error_shape(
        api_client.post(url, {"name": "x" * 21, "department": "abc"}, format="json"),
        400,
        "invalid",
    )
    assert set(errors) == {"name", "department"}


@pytest.mark.urls(__name__)
def test_400_for_a_foreign_id_in_the_body(world, api_client):
    api_client.force_login(world.a.admin)
    resp = api_client.post(
        f"/api/v1/orgs/{world.a.org.slug}/error-probe/",
        {"name": "Ops", "department": world.b.department.pk},
        format="json",
    )
    errors = assert_error_shape(resp, 400, "invalid")
    assert errors == {"department": ["Choose a department of this organization."]}


@pytest.mark.urls(__name__)
def test_400_from_a_django_validation_error_in_a_service(world, api_client):
    api_client.force_login(world.a.admin)
    url = f"/api/v1/orgs/{world.a.org.slug}/error-probe/"
    dept = world.a.department.pk

    resp = api_client.post(url, {"name": "taken", "department": dept}, format="json")
    assert assert_error_shape(resp, 400, "invalid") == {"name": ["This name is taken."]}

    resp = api_client.post(url, {"name": "closed", "department": dept}, format="json")
    assert assert_error_shape(resp, 400, "invalid") == {
        "non_field_errors": ["The organization is closed for changes."]
    }


@pytest.mark.urls(__name__)
def test_405_for_a_method_the_route_does_not_map(world, api_client):
    api_client.force_login(world.a.employee)
    resp = api_client.put(f"/api/v1/orgs/{world.a.org.slug}/error-probe/", {}, format="json")
    assert_error_shape(resp, 405, "method_not_allowed")


@pytest.mark.urls(__name__)
def test_a_valid_request_passes(world, api_client):
    api_client.force_login(world.a.admin)
    resp = api_client.post(
        f"/api/v1/orgs/{world.a.org.slug}/error-probe/",
        {"name": "Ops", "department": world.a.department.pk},
        format="json",
    )
    assert resp.status_code == 201
    assert resp.json() == {"name": "Ops"}


@pytest.mark.django_db
def test_an_accept_header_the_api_cannot_meet_is_a_documented_406(client, world):
    """Content negotiation runs before anything else in every view: an Accept header asking
    for anything but JSON gets 406 in the API's error format, as the schema says."""
    client.force_login(world.a.members["employee"].user)
    response = client.post(
        f"/api/v1/orgs/{world.a.org.slug}/points/balance/anonymity/",
        {"anonymous_on_boards": True},
        content_type="application/json",
        HTTP_ACCEPT="application/xml",
    )
    assert response.status_code == 406
    assert response.json()["status"] == 406
