"""Where a user's pictures go so the service can fetch them: the user's choice, made once.

* :class:`SimulatorHost`: the built-in simulator keeps them (its ``/_sim/uploads`` route; used
  only when the client talks to a simulator on this machine, never sent to the real service).
* :class:`S3Host`: S3-compatible object storage through ``boto3`` (the ``s3`` extra): Aliyun
  OSS, Tencent COS, Cloudflare R2, MinIO or AWS, by endpoint URL, bucket and prefix; credentials
  from the standard ``AWS_*`` variables (or boto3's own configuration). Returns presigned GET
  URLs (``url_lifetime`` seconds) or, for a public bucket, plain URLs.
* :class:`CallableHost`: any ``picture -> url`` function of the user's.

:func:`choose_host` picks one from ``Client(image_host=...)`` or the environment
(``YOUCHUAN_IMAGE_HOST`` = ``simulator`` | ``s3`` | ``none``; ``YOUCHUAN_S3_*``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

import requests

from ..contract import is_http_url
from ..i18n import t
from ._pictures import Picture, PictureError

DEFAULT_URL_LIFETIME = 7 * 24 * 3600  # SigV4's longest: a re-run within a week reuses the URL


class UploadError(PictureError):
    """The host refused or failed the upload (nothing was submitted)."""


@runtime_checkable
class ImageHost(Protocol):
    """Puts a picture somewhere the service can fetch it."""

    #: Identifies where uploads go (for de-duplication): same key, same place.
    key: str
    #: How long a returned URL works, seconds (None: as long as the picture is kept).
    url_lifetime: float | None

    def put(self, picture: Picture) -> str: ...


class SimulatorHost:
    """The built-in simulator on this machine keeps the picture and serves it."""

    url_lifetime: float | None = None

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = "simulator:" + self.base_url
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"SimulatorHost({self.base_url!r})"

    def put(self, picture: Picture) -> str:
        try:
            resp = requests.post(
                self.base_url + "/_sim/uploads",
                data=picture.data,
                headers={"Content-Type": picture.content_type},
                timeout=self.timeout,
                allow_redirects=False,
            )
            url = resp.json().get("url") if resp.status_code == 200 else None
        except (requests.RequestException, ValueError, AttributeError) as exc:
            raise UploadError(t("uploads.sim_failed", name=picture.name, why=str(exc))) from None
        if not is_http_url(url):
            why = f"HTTP {resp.status_code}: {resp.text[:200]}"
            raise UploadError(t("uploads.sim_failed", name=picture.name, why=why))
        return str(url)

    def still_there(self, url: str) -> bool:
        """The simulator may have pruned an old upload from its disk: ask before reusing it."""
        try:
            return requests.head(url, timeout=self.timeout).status_code == 200
        except requests.RequestException:
            return False


class S3Host:
    """S3-compatible object storage. ``endpoint_url`` None means AWS itself.

    Keys are ``prefix + <content hash>.<ext>``: the same picture is stored once, and no file
    name of the user's leaves the machine."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        prefix: str = "youchuan/",
        url_lifetime: float = DEFAULT_URL_LIFETIME,
        public: bool = False,
        public_base_url: str | None = None,
        region: str | None = None,
        client: Any = None,
    ) -> None:
        if not isinstance(bucket, str) or not bucket:
            raise PictureError(t("uploads.s3_no_bucket"))
        if endpoint_url is not None and not is_http_url(endpoint_url):
            raise PictureError(t("uploads.s3_bad_endpoint", url=endpoint_url))
        self.bucket, self.endpoint_url, self.prefix = bucket, endpoint_url, prefix
        self.public = public or public_base_url is not None
        self.public_base_url = public_base_url
        self.url_lifetime: float | None = None if self.public else float(url_lifetime)
        self.region = region
        self.key = f"s3:{endpoint_url or 'aws'}/{bucket}/{prefix}"
        self._client = client

    def __repr__(self) -> str:
        return f"S3Host(bucket={self.bucket!r}, endpoint_url={self.endpoint_url!r})"

    @classmethod
    def from_env(cls, env: Any = None) -> S3Host:
        env = os.environ if env is None else env
        lifetime = env.get("YOUCHUAN_S3_URL_LIFETIME")
        try:
            seconds = float(lifetime) if lifetime else DEFAULT_URL_LIFETIME
        except ValueError:
            raise PictureError(t("uploads.s3_bad_lifetime", value=lifetime)) from None
        return cls(
            env.get("YOUCHUAN_S3_BUCKET", ""),
            endpoint_url=env.get("YOUCHUAN_S3_ENDPOINT") or None,
            prefix=env.get("YOUCHUAN_S3_PREFIX", "youchuan/"),
            url_lifetime=seconds,
            public_base_url=env.get("YOUCHUAN_S3_PUBLIC_URL") or None,
            region=env.get("YOUCHUAN_S3_REGION") or env.get("AWS_REGION") or None,
        )

    @property
    def client(self) -> Any:
        if self._client is None:
            try:
                import boto3
                from botocore.config import Config
            except ImportError:
                raise PictureError(t("uploads.s3_no_boto3")) from None
            self._client = boto3.client(
                "s3",
                endpoint_url=self.endpoint_url,
                region_name=self.region or "us-east-1",
                config=Config(signature_version="s3v4", retries={"max_attempts": 3}),
            )
        return self._client

    def put(self, picture: Picture) -> str:
        key = self.prefix + picture.filename
        try:
            from botocore.exceptions import BotoCoreError, ClientError
        except ImportError:
            raise PictureError(t("uploads.s3_no_boto3")) from None
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=key, Body=picture.data, ContentType=picture.content_type
            )
            if self.public:
                return self._public_url(key)
            url = self.client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": key},
                ExpiresIn=int(self.url_lifetime or DEFAULT_URL_LIFETIME),
            )
        except ClientError as exc:
            err = exc.response.get("Error", {})
            code, msg = err.get("Code", "?"), err.get("Message", "")
            hint = "uploads.s3_hint_expired" if "Expired" in str(code) else "uploads.s3_hint"
            raise UploadError(
                t("uploads.s3_refused", name=picture.name, bucket=self.bucket, code=code, msg=msg)
                + " "
                + t(hint)
            ) from None
        except BotoCoreError as exc:  # no credentials, endpoint unreachable...
            raise UploadError(
                t("uploads.s3_failed", name=picture.name, bucket=self.bucket, why=str(exc))
            ) from None
        return str(url)

    def _public_url(self, key: str) -> str:
        if self.public_base_url:
            return self.public_base_url.rstrip("/") + "/" + key
        base = self.endpoint_url or f"https://{self.bucket}.s3.amazonaws.com"
        if self.endpoint_url:
            return f"{base.rstrip('/')}/{self.bucket}/{key}"
        return f"{base}/{key}"


class CallableHost:
    """The user's own function: gets a :class:`Picture` (``.data``, ``.content_type``,
    ``.filename``, ``.image()``) and returns an http(s) URL the service can fetch."""

    url_lifetime: float | None = None

    def __init__(self, fn: Callable[[Picture], str]) -> None:
        self.fn = fn
        self.key = f"callable:{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', fn)}"

    def __repr__(self) -> str:
        return f"CallableHost({self.fn!r})"

    def put(self, picture: Picture) -> str:
        try:
            url = self.fn(picture)
        except Exception as exc:  # the user's code: say whose failure it was, in one line
            why = f"{type(exc).__name__}: {exc}"
            raise UploadError(t("uploads.callable_failed", name=picture.name, why=why)) from None
        if not is_http_url(url):
            raise UploadError(t("uploads.callable_not_url", name=picture.name, got=repr(url)[:80]))
        return str(url)


def choose_host(spec: Any, *, simulator_url: str | None) -> ImageHost | None:
    """The host for ``Client(image_host=spec)`` (None: from the environment). ``simulator_url``
    is the client's base URL when it talks to a simulator on this machine, else None. Returns
    None when nothing is configured (using a local picture then says how to configure one)."""
    if spec is None:
        spec = (os.environ.get("YOUCHUAN_IMAGE_HOST") or "").strip().lower() or None
        if spec is None and os.environ.get("YOUCHUAN_S3_BUCKET"):
            spec = "s3"
    if spec is None:
        return SimulatorHost(simulator_url) if simulator_url else None
    if isinstance(spec, str):
        name = spec.strip().lower()
        if name == "none":
            return None
        if name == "simulator":
            if not simulator_url:
                raise PictureError(t("uploads.simulator_only"))
            return SimulatorHost(simulator_url)
        if name == "s3":
            return S3Host.from_env()
        raise PictureError(t("uploads.bad_host", value=spec))
    if isinstance(spec, ImageHost):
        return spec
    if callable(spec):
        return CallableHost(spec)
    raise PictureError(t("uploads.bad_host", value=repr(spec)[:60]))
