"""``client.upload`` and the local pictures of ``Client`` methods: normalise, de-duplicate, put.

The same content is uploaded once per host: a small JSON map (content hash -> URL and when
the URL stops working) in the client's data folder, shared by kernels; an entry is reused while
its URL has at least :data:`REUSE_MARGIN` of its life left (presigned URLs expire).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from ..contract import InvalidRequest, is_http_url
from ..i18n import t
from ._image_hosts import ImageHost, SimulatorHost, choose_host
from ._pictures import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_SIDE,
    Picture,
    PictureError,
    describe,
    is_picture_like,
    local_path,
    normalise,
)

log = logging.getLogger("youchuan_nb")
REUSE_MARGIN = 3600.0  # a URL reused for a job must outlive the job's fetch of it
MAX_ENTRIES = 5000


class UploadMap:
    """host key + content hash -> (url, expires or None), in one JSON file (atomic writes)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._memory: dict[str, list[Any]] = {}

    def _read(self) -> dict[str, list[Any]]:
        if self.path is None:
            return self._memory
        try:
            data = json.loads(self.path.read_text("utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def get(self, key: str) -> str | None:
        with self._lock:
            entry = self._read().get(key)
        if not isinstance(entry, list) or len(entry) != 2 or not is_http_url(entry[0]):
            return None
        url, expires = entry
        if expires is not None and expires - time.time() < REUSE_MARGIN:
            return None
        return str(url)

    def put(self, key: str, url: str, lifetime: float | None) -> None:
        expires = None if lifetime is None else time.time() + lifetime
        with self._lock:
            data = self._read()
            data[key] = [url, expires]
            if len(data) > MAX_ENTRIES:  # the oldest first (dicts keep insertion order)
                data = dict(list(data.items())[-MAX_ENTRIES:])
            if self.path is None:
                self._memory = data
                return
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
                tmp.write_text(json.dumps(data), "utf-8")
                os.replace(tmp, self.path)
            except OSError as exc:  # not remembering only costs a second upload
                log.warning("youchuan_nb: could not save %s: %s", self.path, exc)


class Uploads:
    """The upload side of one client."""

    def __init__(self, host_spec: Any, *, simulator_url: str | None, map_path: Path | None) -> None:
        self._spec = host_spec
        self._simulator_url = simulator_url
        self._host: ImageHost | None = None
        self._chosen = False
        self.map = UploadMap(map_path)
        self.max_side = _env_int("YOUCHUAN_UPLOAD_MAX_SIDE", DEFAULT_MAX_SIDE)
        self.max_bytes = _env_int("YOUCHUAN_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)
        #: url -> the picture it was made from (for cards: thumbnails without fetching)
        self.pictures: dict[str, Picture] = {}

    @classmethod
    def for_client(cls, client: Any, host_spec: Any, home: Path) -> Uploads:
        """The simulator hosts uploads only for a client of a simulator on this machine."""
        simulator_url = client.base_url if client.is_simulator else None
        return cls(host_spec, simulator_url=simulator_url, map_path=home / "uploads.json")

    @property
    def host(self) -> ImageHost | None:
        """The configured host, chosen at first use (boto3 is imported only then)."""
        if not self._chosen:
            self._host = choose_host(self._spec, simulator_url=self._simulator_url)
            self._chosen = True
        return self._host

    @host.setter
    def host(self, spec: Any) -> None:
        self._spec, self._chosen = spec, False

    def prepare(self, image: Any, name: str | None = None) -> Picture:
        return normalise(image, max_side=self.max_side, max_bytes=self.max_bytes, name=name)

    def upload(self, image: Any, name: str | None = None) -> str:
        """A URL the service can fetch for ``image`` (uploaded unless it was before)."""
        label = name or describe(image)
        picture = image if isinstance(image, Picture) else self.prepare(image, label)
        host = self.host
        if host is None:
            raise PictureError(t("uploads.no_host", name=label))
        key = f"{host.key}|{picture.digest}"
        url = self.map.get(key)
        if url is not None and isinstance(host, SimulatorHost) and not host.still_there(url):
            url = None
        if url is None:
            url = host.put(picture)
            self.map.put(key, url, host.url_lifetime)
        self.pictures[url] = picture
        return url

    def url_for(self, value: Any, field: str) -> Any:
        """``value`` as the service takes it: a URL as it is; a local picture uploaded."""
        if isinstance(value, str):
            if is_http_url(value):
                return value
            if local_path(value) is None:  # the contract's error type: a bad field value
                raise InvalidRequest(field, value, t("uploads.url_or_file"))
            return self.upload(value)
        if is_picture_like(value):
            return self.upload(value)
        return value  # anything else: the contract's validation says what is wrong

    def urls_for(self, values: Any, field: str) -> Any:
        if not isinstance(values, (list, tuple)):
            return values
        return [self.url_for(v, f"{field}[{i}]") for i, v in enumerate(values)]


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value.strip() else default
    except ValueError:
        log.warning("youchuan_nb: %s=%r is not a whole number; using %d", name, value, default)
        return default
