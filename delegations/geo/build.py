"""Build the world map's data from Natural Earth, once, for the "Where we have been" page.

The site draws its map on the server from two files this script writes, both committed:

- delegations/geo/countries.json: each country's outline as SVG path data, keyed by its
  ISO 3166-1 alpha-2 code (the code editors give a Country), already projected and simplified;
- static/img/world.svg: the same outlines merged into one grey base map, which the page draws
  underneath with <use> (served by whitenoise, so pages inline only the countries visited).

Both share one coordinate system, the viewBox recorded in countries.json. The source is the
npm package world-atlas (Natural Earth 1:50m Admin 0 countries as TopoJSON, ISC licence; Natural
Earth is public domain). Run it again only to change the projection, the detail or the source:

    npm install --prefix /tmp/atlas world-atlas@2.0.2
    .venv/bin/pip install pycountry==26.2.16   # numeric ISO codes to alpha-2; only here
    .venv/bin/python -m delegations.geo.build /tmp/atlas/node_modules/world-atlas/countries-50m.json

The projection is Equal Earth (Šavrič, Patterson and Jenny, 2018): an equal-area world map
whose formula needs no table, so nothing looks bigger than it is.
"""

import json
import math
import sys
from pathlib import Path

GEO_DIR = Path(__file__).resolve().parent
COUNTRIES_FILE = GEO_DIR / "countries.json"
WORLD_SVG = GEO_DIR.parent.parent / "static" / "img" / "world.svg"
SOURCE = "Natural Earth 1:50m Admin 0 countries (public domain), via world-atlas 2.0.2 (ISC)"

WIDTH = 2000  # viewBox units from the antimeridian west to the antimeridian east
TOLERANCE = 0.7  # Douglas-Peucker tolerance in viewBox units
MIN_RING_AREA = 6.0  # islands smaller than this (square units) are left out, unless all there is
SOUTH_LIMIT = -60.0  # no trips to Antarctica: the map stops here
LEAVE_OUT = {"AQ"}

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
X_MAX = 2 * math.sqrt(3) * math.pi / (3 * A1)  # x at longitude 180°, latitude 0°
SCALE = WIDTH / 2 / X_MAX


def equal_earth(lon, lat):
    """Project degrees to viewBox units: x east from the left edge, y down from the equator."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    denominator = 3 * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2))
    x = 2 * math.sqrt(3) * lam * math.cos(theta) / denominator
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return WIDTH / 2 + SCALE * x, -SCALE * y


def decode_arcs(topology):
    """The topology's arcs as lists of (lon, lat), undoing quantisation and delta coding."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def unwrap(points):
    """Longitudes made continuous: a line across the antimeridian runs on past ±180°."""
    result = points[:1]
    for lon, lat in points[1:]:
        previous = result[-1][0]
        lon += 360 * round((previous - lon) / 360)
        result.append((lon, lat))
    return result


def simplify(points, tolerance):
    """Douglas-Peucker on the projected line: drop the points closer than `tolerance` (in
    viewBox units) to the line that skips them. Returns the kept points, in degrees."""
    if len(points) < 3:
        return points
    projected = [equal_earth(lon, lat) for lon, lat in unwrap(points)]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = projected[first], projected[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, index = 0.0, None
        for i in range(first + 1, last):
            px, py = projected[i]
            if length:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
            else:
                distance = math.hypot(px - x1, py - y1)
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def clip(points, meridian, west):
    """Sutherland-Hodgman: the part of a ring west (or east) of a meridian."""

    def inside(point):
        return point[0] <= meridian if west else point[0] >= meridian

    result = []
    for current, following in zip(points, points[1:] + points[:1], strict=True):
        if inside(current):
            result.append(current)
        if inside(current) != inside(following):
            (lon1, lat1), (lon2, lat2) = current, following
            t = (meridian - lon1) / (lon2 - lon1)
            result.append((meridian, lat1 + t * (lat2 - lat1)))
    return result


def split_at_antimeridian(points):
    """A ring (in degrees) as pieces that each lie within -180°..180°.

    Natural Earth lets some rings (Russia's Chukotka, Fiji) cross the antimeridian; drawn
    as they are, they would streak across the whole map.
    """
    points = unwrap(points)
    lons = [lon for lon, _ in points]
    if min(lons) >= -180 - 1e-9 and max(lons) <= 180 + 1e-9:
        return [points]
    edge = 180 if max(lons) > 180 else -180
    near = clip(points, edge, west=edge == 180)
    far = [(lon - 2 * edge, lat) for lon, lat in clip(points, edge, west=edge != 180)]
    return [piece for piece in (near, far) if len(piece) >= 3]


def ring_points(ring, arcs):
    """A ring's points, joined from its arcs, without the closing repeat of the first."""
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points


def rounded(points):
    """Whole viewBox units, without repeats: tiny islands collapse to fewer than 3 points."""
    result = []
    for x, y in points:
        point = (round(x), round(y))
        if not result or point != result[-1]:
            result.append(point)
    if len(result) > 1 and result[0] == result[-1]:
        result.pop()
    return result


def area_and_centroid(points):
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    area /= 2
    if not area:
        xs, ys = zip(*points, strict=True)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(area), (cx / (6 * area), cy / (6 * area))


def path_data(rings):
    """SVG path data, relative after each ring's first point, with no needless characters."""
    parts = []
    for ring in rings:
        (x0, y0), *rest = ring
        numbers = []
        px, py = x0, y0
        for x, y in rest:
            numbers += [x - px, y - py]
            px, py = x, y
        text = f"M{x0} {y0}"
        if numbers:
            text += "l" + "".join(
                (str(n) if i == 0 or n < 0 else f" {n}") for i, n in enumerate(numbers)
            )
        parts.append(text + "z")
    return "".join(parts)


def geometry_rings(geometry):
    if geometry["type"] == "Polygon":
        return geometry["arcs"]
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["arcs"] for ring in polygon]
    return []


def build(topology, alpha2):
    """{code: {name, d, c, s}}, the base map's path data and the viewBox, from a topology.

    `alpha2` turns a numeric ISO code into an alpha-2 code (None when there is none).
    """
    arcs = [simplify(arc, TOLERANCE) for arc in decode_arcs(topology)]
    countries, base_rings = {}, []
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = alpha2(geometry["id"]) if geometry.get("id") else None
        if code in LEAVE_OUT:
            continue
        measured = sorted(
            (
                (*area_and_centroid(points), rounded(points))
                for ring in geometry_rings(geometry)
                for piece in split_at_antimeridian(ring_points(ring, arcs))
                for points in [[equal_earth(lon, lat) for lon, lat in piece]]
            ),
            key=lambda m: -m[0],
        )
        if not measured:
            continue
        drawable = [ring for _, _, ring in measured if len(ring) >= 3]
        kept = [
            ring for area, _, ring in measured if area >= MIN_RING_AREA and len(ring) >= 3
        ] or drawable[:1]
        base_rings += kept
        if not code:
            continue
        # Two geometries can share a code (Australia and its Ashmore and Cartier Islands).
        country = countries.setdefault(
            code, {"name": geometry["properties"]["name"], "rings": [], "largest": (-1, None)}
        )
        country["rings"] += kept
        if measured[0][0] > country["largest"][0]:
            country["largest"] = measured[0][:2]

    south = equal_earth(0, SOUTH_LIMIT)[1]
    top = min(y for ring in base_rings for _, y in ring) - 4
    shift = -math.floor(top)  # put the top edge at y = 0
    view_box = [0, 0, WIDTH, math.ceil(south) + shift]

    def moved(rings):
        return [[(x, y + shift) for x, y in ring] for ring in rings]

    data = {}
    for code in sorted(countries):
        country = countries[code]
        cx, cy = country["largest"][1]
        points = [point for ring in country["rings"] for point in ring] or [(cx, cy)]
        xs, ys = [x for x, _ in points], [y for _, y in points]
        data[code] = {
            "name": country["name"],
            # Empty for a country too small to draw at this scale: it gets a marker only.
            "d": path_data(moved(country["rings"])),
            # The centre of its largest part, and its size: small countries get a marker.
            "c": [round(cx), round(cy) + shift],
            "s": round(max(max(xs) - min(xs), max(ys) - min(ys))),
        }
    sphere = [equal_earth(-180, lat / 2) for lat in range(-180, 181, 5)]
    sphere += [equal_earth(180, lat / 2) for lat in range(180, -181, -5)]
    sphere_d = path_data(moved([rounded(sphere)]))
    return data, path_data(moved(base_rings)), sphere_d, view_box


def main(source):
    import pycountry  # only needed to build the data, so not in requirements*.txt

    def alpha2(numeric):
        country = pycountry.countries.get(numeric=numeric)
        return country.alpha_2 if country else None

    topology = json.loads(Path(source).read_text())
    countries, land, sphere, view_box = build(topology, alpha2)
    COUNTRIES_FILE.write_text(
        json.dumps(
            {"source": SOURCE, "viewBox": view_box, "countries": countries},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        + "\n"
    )
    WORLD_SVG.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="{}">\n'
        "<!-- {}. Built by delegations/geo/build.py. -->\n"
        '<path id="sphere" d="{}"/>\n'
        '<path id="land" d="{}"/>\n'
        "</svg>\n".format(" ".join(map(str, view_box)), SOURCE, sphere, land)
    )
    print(f"Wrote {len(countries)} countries to {COUNTRIES_FILE} and the base map to {WORLD_SVG}.")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"Usage: python -m delegations.geo.build path/to/countries-50m.json\n\n{__doc__}")
    main(sys.argv[1])
