"""Writes of the content library: the only place its business rules change state.

One module per feature:

* ``items``: create and edit library items (``item_parts`` holds their captions,
  topics, audience and images);
* ``review``: the review workflow (submit, approve with an optional second reviewer,
  request changes, reject, archive, restore);
* ``previews``: link previews fetched in the background (the HTML is read by
  ``content_library.html_meta``);
* ``suggestions``: employees' suggestions and their review;
* ``sources``: RSS/Atom feed sources and their import;
* ``topics``, ``library_settings``: the organization's topics and library choices;
* ``share_marks``: who shared which item, written by the sharing app.

Every service an actor calls takes the acting ``Membership`` as the keyword argument
``actor`` (it carries the organization and the role) and checks the capability itself
(``base.require``), so pages, API, tasks and commands share one permission boundary. It
records a ``ContentItemRevision`` for item changes and an audit-log entry for
administrative ones, and enqueues background work with ``transaction.on_commit``. The
few functions without an actor are system work run by tasks (``previews.
content_item_preview_refresh``, ``sources.feed_source_import``) or bookkeeping of the
sharing app (``share_marks``); they say so in their docstrings.
"""
