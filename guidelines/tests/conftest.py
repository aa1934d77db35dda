from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from guidelines import services
from guidelines.models import DocumentKind


@pytest.fixture
def policy(world):
    """Tenant A's social-media policy with version 1 published."""
    document = services.policy_document_create(
        actor=world.a.members["admin"],
        kind=DocumentKind.POLICY,
        title="Social-media policy",
        contact_name="Rūta Jonaitienė",
        contact_email="ruta@example.com",
        body_markdown="# Share with care\n\nBe kind.",
    )
    version = document.versions.get()
    services.policy_version_publish(version=version, actor=world.a.members["admin"])
    return document


def png_upload(name: str = "photo.png", size: tuple[int, int] = (4, 3)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, "blue").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture
def rule_factory(world):
    def make(actor=None, **fields):
        actor = actor or world.a.members["admin"]
        fields.setdefault("severity", "block")
        return services.guideline_rule_create(actor=actor, **fields)

    return make


@pytest.fixture
def eager_celery(settings):
    """Tasks run in-process, as ``CELERY_TASK_ALWAYS_EAGER`` makes them."""
    from advocacy.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous
