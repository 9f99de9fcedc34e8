"""Country borders for the map, offline: Natural Earth 1:50m (TopoJSON shipped in geodata/), cut to a frame."""

from __future__ import annotations

import gzip
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

WORLD = Path(__file__).resolve().parent / "geodata" / "countries-50m.json.gz"
Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class Frame:
    """A lon/lat box the map shows."""

    west: float
    east: float
    south: float
    north: float

    def grown(self, factor: float) -> Frame:
        dx, dy = (self.east - self.west) * factor, (self.north - self.south) * factor
        return Frame(self.west - dx, self.east + dx, max(-85.0, self.south - dy), min(85.0, self.north + dy))

    def touches(self, ring: Ring) -> bool:
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        return not (max(lons) < self.west or min(lons) > self.east or max(lats) < self.south
                    or min(lats) > self.north)

    def feature(self) -> dict[str, Any]:
        """The frame as a GeoJSON polygon (what the projection is fitted to)."""
        w, e, s, n = self.west, self.east, self.south, self.north
        return {"type": "Feature", "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [[[w, s], [w, n], [e, n], [e, s], [w, s]]]}}


def frame_around(lons: list[float], lats: list[float], margin: float = 0.18, minimum: float = 1.5) -> Frame:
    """The box around points, padded so circles and labels stay inside (at least `minimum` degrees wide)."""
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    if east - west < minimum:
        mid = (east + west) / 2
        west, east = mid - minimum / 2, mid + minimum / 2
    if north - south < minimum / 2:
        mid = (north + south) / 2
        south, north = mid - minimum / 4, mid + minimum / 4
    return Frame(west, east, south, north).grown(margin)


def decode_topology(topo: dict[str, Any]) -> list[tuple[str, list[list[Ring]]]]:
    """A TopoJSON topology's countries as (name, polygons of rings of (lon, lat))."""
    scale = topo["transform"]["scale"]
    translate = topo["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topo["arcs"]:
        x = y = 0
        points: Ring = []
        for dx, dy in arc:  # quantized and delta-encoded
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)

    def ring(indexes: list[int]) -> Ring:
        out: Ring = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points if not out else points[1:])
        return out

    countries = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [[ring(r) for r in geometry["arcs"]]]
        elif kind == "MultiPolygon":
            polygons = [[ring(r) for r in polygon] for polygon in geometry["arcs"]]
        else:
            continue
        countries.append((str(geometry.get("properties", {}).get("name", "")), polygons))
    return countries


def load_world(path: Path = WORLD) -> list[tuple[str, list[list[Ring]]]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return decode_topology(json.load(fh))


def countries_in(world: list[tuple[str, list[list[Ring]]]], frame: Frame) -> list[dict[str, Any]]:
    """GeoJSON features of the country parts near the frame (a small payload for the browser)."""
    near = frame.grown(0.5)
    features = []
    for name, polygons in world:
        kept = [[[[round(x, 3), round(y, 3)] for x, y in r] for r in polygon]
                for polygon in polygons if polygon and near.touches(polygon[0])]
        if kept:
            features.append({"type": "Feature", "properties": {"name": name},
                             "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    return features


__all__ = ["Frame", "countries_in", "decode_topology", "frame_around", "load_world"]
