"""The account and moodboard endpoints of ``Client`` (no jobs: plain answers as dicts).

The answer shapes of these endpoints are not documented; they are returned as the service sent
them (an assumption the doctor and the tolerant reader will check).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..contract import ENDPOINTS, validate

if TYPE_CHECKING:  # pragma: no cover
    from ._uploads import Uploads


class AccountMethods:
    """Mixed into ``Client``: costs, monthly costs, plan, callbacks, moodboards."""

    uploads: Uploads  # Client sets it

    def _request(
        self,
        ep_name: str,
        *,
        body: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        path_params: dict[str, Any] | None = None,
    ) -> Any:
        raise NotImplementedError  # pragma: no cover - Client provides it

    # -- account --------------------------------------------------------------------------------
    def _query(self, ep_name: str, **fields: Any) -> Any:
        ep = ENDPOINTS[ep_name]
        query = {f.name: fields.get(f.py) for f in ep.query if fields.get(f.py) is not None}
        validate(ep_name, query=query)
        return self._request(ep_name, query=query)

    def costs(
        self, page_no: int, page_size: int, since: str | None = None, to: str | None = None
    ) -> dict:
        """GET /v1/tob/costs: cost records; since/to as ISO-8601 (2025-01-01T00:00:00Z)."""
        return self._query("costs", page_no=page_no, page_size=page_size, since=since, to=to)

    def cost_monthly(self, page_no: int, page_size: int) -> dict:
        """GET /v1/tob/cost-monthly."""
        return self._query("cost_monthly", page_no=page_no, page_size=page_size)

    def subscribe(self) -> dict:
        """GET /v1/tob/subscribe: the plan and account."""
        return self._request("subscribe")

    def callback(self, job_id: str) -> dict:
        """POST /v1/tob/callback: ask the service to send a job's callback again."""
        body = {"jobId": job_id}
        validate("callback", body)
        return self._request("callback", body=body)

    # -- moodboards ----------------------------------------------------------------------------
    def create_moodboard(
        self, name: str, description: str | None = None, images: list[Any] | None = None
    ) -> dict:
        """POST /v1/tob/moodboard; use its id in prompts as --p <id>. ``images``: URLs or local
        pictures (uploaded first, see ``Client.upload``)."""
        images = self.uploads.urls_for(images, "images")
        body = {
            k: v
            for k, v in (("name", name), ("description", description), ("images", images))
            if v is not None
        }
        validate("create_moodboard", body)
        return self._request("create_moodboard", body=body)

    def update_moodboard(
        self,
        id: str,
        name: str | None = None,
        description: str | None = None,
        images: list[Any] | None = None,
    ) -> dict:
        """PUT /v1/tob/moodboard/{id}; ``images`` as for :meth:`create_moodboard`."""
        images = self.uploads.urls_for(images, "images")
        body = {
            k: v
            for k, v in (("name", name), ("description", description), ("images", images))
            if v is not None
        }
        validate("update_moodboard", body, path={"id": id})
        return self._request("update_moodboard", body=body, path_params={"id": id})

    def moodboards(self, page_no: int | None = None, page_size: int | None = None) -> dict:
        """GET /v1/tob/moodboards."""
        return self._query("moodboards", page_no=page_no, page_size=page_size)
