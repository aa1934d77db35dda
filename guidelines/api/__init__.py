"""Guidelines API under ``/api/v1/orgs/<org_slug>/guidelines/``, one module per resource:
``checks`` (the caption check), ``documents`` (policy documents and their versions) and
``rules`` (caption rules); ``urls`` registers them on routers."""
