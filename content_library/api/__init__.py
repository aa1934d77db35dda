"""REST API of the content library, under ``/api/v1/orgs/<org_slug>/content/``: one
module per feature (``items``, ``feed``, ``topics``, ``suggestions``, ``sources``), routed
in ``urls``.

Serializers validate shape; services apply the rules (and raise ValidationError, which the
API error handler turns into ``{"errors": {field: [...]}}``).
"""
