"""Reads of the content library shared by pages, API and tasks, one module per feature:

* ``filters``: ``ItemFilters``, the content filters of a page's or an API list's query;
* ``visibility``: which items a member may see or open;
* ``feed``: the member's feed, one query per page (two keyset streams);
* ``library``: the curators' library pages and what an item's page shows beside it;
* ``review``: the review queue, reviewers' feedback, approvals and suggestions;
* ``sources``: feed sources, and the import sweep's cross-tenant query.
"""
