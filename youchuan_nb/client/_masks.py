"""Inpaint masks from shapes drawn on an image (the card's region editor, the magics)."""

from __future__ import annotations

from typing import Any


def mask_from_shapes(shapes: list[dict[str, Any]], width: int, height: int) -> dict[str, Any]:
    """Rectangles and polygons drawn on an image (its pixel coordinates) -> an inpaint mask."""
    areas = []
    for shape in shapes:
        if shape.get("type") == "rect":
            x, y = float(shape["x"]), float(shape["y"])
            w, h = float(shape["w"]), float(shape["h"])
            pts = [x, y, x + w, y, x + w, y + h, x, y + h]
        else:
            pts = [float(p) for p in shape.get("points", [])]
        clamped = []
        for i, v in enumerate(pts):
            limit = width if i % 2 == 0 else height
            clamped.append(round(min(max(v, 0), limit)))
        areas.append({"width": int(width), "height": int(height), "points": clamped})
    return {"areas": areas}
