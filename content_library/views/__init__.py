"""Pages of the content library, one module per feature: ``feed`` (the employee feed and
the item page), ``library`` (the curators' list, settings, topics), ``items`` (create and
edit), ``review`` (the queue and item actions), ``suggestions`` and ``sources``. Thin:
forms in, services and selectors do the work."""
