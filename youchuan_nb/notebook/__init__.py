"""The notebook layer: magics, the job card widget, the studio and the gallery."""

from ..client import mask_from_shapes
from ._card import JobCard, show_job
from ._gallery import Gallery
from ._session import Session, Settings, get_session
from ._studio import Studio

__all__ = ["JobCard", "Gallery", "Studio", "Session", "Settings", "get_session", "show_job",
           "mask_from_shapes"]
