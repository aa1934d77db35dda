"""What the Facebook and Instagram connectors share: Meta Graph calls with the account's
token, cursor paging over recent objects (for reconciliation) and insights."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from .base import AccountRef, Connector, Rejected
from .http import HttpClient

#: Clocks differ: look a little before ``since`` when reconciling.
CLOCK_SLACK = timedelta(minutes=5)
RECONCILE_PAGES = 4
PAGE_SIZE = 25


class GraphConnector(Connector):
    #: The NETWORK_BASES key of this network's Graph host.
    graph_base_setting: str

    def __init__(self) -> None:
        self.http = HttpClient(self.network, "graph")

    @property
    def graph(self) -> str:
        return settings.NETWORK_BASES[self.graph_base_setting].rstrip("/")

    @property
    def versioned(self) -> str:
        return f"{self.graph}/{settings.META_GRAPH_VERSION}"

    def _get(self, account: AccountRef, path: str, **params: Any) -> dict[str, Any]:
        return self.http.request(
            "GET",
            f"{self.versioned}/{path}",
            params={**params, "access_token": account.access_token},
        ).json()

    def _post(self, account: AccountRef, path: str, **params: Any) -> dict[str, Any]:
        return self.http.request(
            "POST",
            f"{self.versioned}/{path}",
            create=True,
            data={**params, "access_token": account.access_token},
        ).json()

    def recent(
        self, account: AccountRef, path: str, *, fields: str, time_field: str, since: datetime
    ) -> Iterator[dict[str, Any]]:
        """Objects of an edge (a page's feed, an account's media), newest first, back to
        ``since`` and at most a few pages deep."""
        after = None
        for _page in range(RECONCILE_PAGES):
            params: dict[str, Any] = {"fields": fields, "limit": PAGE_SIZE}
            if after:
                params["after"] = after
            answer = self._get(account, path, **params)
            for entry in answer.get("data") or []:
                stamp = graph_time(entry.get(time_field))
                if stamp is not None and stamp < since - CLOCK_SLACK:
                    return
                yield entry
            paging = answer.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after") if paging.get("next") else None
            if not after:
                return

    def insights(
        self, account: AccountRef, object_id: str, metrics: tuple[str, ...]
    ) -> dict[str, Any] | None:
        """``{metric: lifetime value}`` as Meta reports it (left out = absent); ``None`` when
        the object is gone."""
        try:
            answer = self._get(account, f"{object_id}/insights", metric=",".join(metrics))
        except Rejected as exc:
            if exc.code == "not_found":
                return None
            raise
        values: dict[str, Any] = {}
        for entry in answer.get("data") or []:
            points = entry.get("values") or []
            if points:
                values[entry.get("name")] = points[0].get("value")
        return values


def graph_int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) else None


def graph_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None
