#!/usr/bin/python3
"""Builds Aras's embedded default dataset (data/shapefiles/) from the raw open sources.

Run with Debian's Python (GDAL bindings, shapely, pyproj):
    /usr/bin/python3 tools/build_dataset.py --raw ../shared/data/raw --out data

Reads only the raw files listed in the raw directory's PROVENANCE.md and data/crossings.csv;
writes ESRI Shapefiles (EPSG:4326, UTF-8) that the C++ project reads at run time. The output is
deterministic: features are sorted, coordinates rounded to 1e-7 degrees, and re-running on the
same inputs gives byte-identical files. Any violated invariant (a crossing gate in the wrong
country, a connector longer than 25 km, ...) aborts with a message and exit status 1.

See tools/README.md for the decisions (source per country, class and speed tables).
"""

import argparse
import csv
import gzip
import math
import os
import shutil
import sys
import warnings
from collections import Counter, defaultdict

from osgeo import gdal, ogr, osr
from pyproj import Geod
from shapely import wkb
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, box
from shapely.ops import linemerge, nearest_points, unary_union
from shapely.prepared import prep
from shapely.strtree import STRtree

gdal.UseExceptions()
# shapely 1.8 (Debian 12) warns that STRtree's API changes in 2.0; this script uses the 1.8 API.
warnings.filterwarnings("ignore", message=".*STRtree.*")
ogr.UseExceptions()

GEOD = Geod(ellps="WGS84")
PRECISION = 7  # decimal places of degrees (~1 cm)

# ISO 3166-1 of every country in the raw country polygons.
COUNTRIES = {
    "ARM": ("AM", "Armenia"),
    "AZE": ("AZ", "Azerbaijan"),
    "GEO": ("GE", "Georgia"),
    "IRN": ("IR", "Iran"),
    "IRQ": ("IQ", "Iraq"),
    "KAZ": ("KZ", "Kazakhstan"),
    "RUS": ("RU", "Russia"),
    "SYR": ("SY", "Syria"),
    "TKM": ("TM", "Turkmenistan"),
    "TUR": ("TR", "Turkey"),
}
# Natural Earth boundary lines also name countries outside the polygon set.
EXTRA_ISO3 = {"JOR": "JO", "KWT": "KW", "LBN": "LB", "SAU": "SA", "UZB": "UZ"}

# Overlaps between the country polygons go to the first country in this order, so every point
# belongs to at most one country (the countries of the Aras region first).
COUNTRY_PRIORITY = ["AZE", "ARM", "IRN", "GEO", "TUR", "RUS", "IRQ", "SYR", "TKM", "KAZ"]

# Free-flow speeds by normalised class (km/h): typical rural speeds in the region, lower than
# the legal limits because the sources do not distinguish urban stretches or road condition.
SPEED_KMH = {
    "motorway": 100,
    "trunk": 90,
    "primary": 80,
    "secondary": 60,
    "tertiary": 50,
    "unknown": 40,
    "connector": 20,
}

SNAP_M = 50.0            # Natural Earth pieces closer than this are joined
GATE_SNAP_M = 500.0      # a gate this close to a road needs no connector
MAX_CONNECTOR_M = 25000.0
TRIM_M = 20.0            # roads cut at a border are pulled back this far, so networks never touch

# Iran's roads come from DCW; the NE roads in Iran are the same highways, coarser.
# Armenia and Nakhchivan come from OSM; everything else from Natural Earth.
NAKHCHIVAN_BBOX = box(44.7, 38.8, 46.2, 39.85)
# Natural Earth has no road within 40 km of Dilucu (the Nakhchivan-Turkey crossing), while the
# OSM extract covers the Turkish province of Igdir completely (its query box reaches lon 43.435):
# inside this box Turkey's roads come from OSM, outside it from Natural Earth.
TURKEY_OSM_BBOX = box(43.45, 39.55, 44.9, 41.3)
# Likewise Natural Earth has no Georgian road within 20 km of Sadakhlo; the OSM extract covers
# southern Georgia up to lat 41.316.
GEORGIA_OSM_BBOX = box(43.45, 40.9, 46.0, 41.3)
# In Nakhchivan the OSM extract is the main source, but it misses some roads (Julfa): Natural
# Earth roads farther than FILL_DEG from any OSM road fill those gaps.
FILL_DEG = 0.02
# A road end touching nothing is joined to a road of the same country this close (by source).
JOIN_M = {"ne": 250.0, "dcw": 100.0, "osm": 30.0}
SEAM_M = 3000.0          # a Natural Earth road cut at the Igdir box joins the nearest OSM vertex


class PipelineError(Exception):
    pass


def fail(msg):
    raise PipelineError(msg)


# ---------------------------------------------------------------------------------------------
# small geometry helpers

def rnd(x):
    v = round(x, PRECISION)
    return 0.0 if v == 0 else v


def round_line(coords):
    out = []
    for x, y in coords:
        p = (rnd(x), rnd(y))
        if not out or out[-1] != p:
            out.append(p)
    return out


def geod_len(coords):
    if len(coords) < 2:
        return 0.0
    lons = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    return GEOD.line_length(lons, lats)


def geod_dist(a, b):
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def parts_of(g, single, multi):
    """The parts of type `single` of a geometry of that type, of type `multi` or a collection,
    empty ones dropped."""
    if g is None or g.is_empty:
        return []
    if g.geom_type == single:
        return [g]
    if g.geom_type in (multi, "GeometryCollection"):
        out = []
        for part in g.geoms:
            out.extend(parts_of(part, single, multi))
        return out
    return []


def lines_of(g):
    return parts_of(g, "LineString", "MultiLineString")


def polygons_of(g):
    return parts_of(g, "Polygon", "MultiPolygon")


def as_multipolygon(g):
    return MultiPolygon(polygons_of(g))


def read_features(path, layer_index=0):
    ds = ogr.Open(path)
    if ds is None:
        fail(f"cannot open {path}")
    layer = ds.GetLayer(layer_index)
    out = []
    for ft in layer:
        gr = ft.GetGeometryRef()
        if gr is None:
            continue
        gr.FlattenTo2D()
        out.append((ft.GetFID(), ft.items(), wkb.loads(bytes(gr.ExportToIsoWkb()))))
    out.sort(key=lambda t: t[0])
    return out


def trim_start(coords, dist_m):
    """coords without its first dist_m metres (geodesic), or [] when shorter."""
    acc = 0.0
    for i in range(1, len(coords)):
        seg = geod_dist(coords[i - 1], coords[i])
        if acc + seg > dist_m:
            f = (dist_m - acc) / seg
            x = coords[i - 1][0] + f * (coords[i][0] - coords[i - 1][0])
            y = coords[i - 1][1] + f * (coords[i][1] - coords[i - 1][1])
            return [(x, y)] + list(coords[i:])
        acc += seg
    return []


# ---------------------------------------------------------------------------------------------
# countries, borders, provinces

def load_countries(raw):
    feats = read_features(os.path.join(raw, "borders", "countries_osm_geomaps_10m.gpkg"))
    geoms = {}
    for _, attrs, g in feats:
        a3 = attrs["A3"]
        if a3 not in COUNTRIES:
            fail(f"unknown country code {a3} in countries_osm_geomaps_10m.gpkg")
        # The source's interior rings are water (lakes, reservoirs, river stretches), not foreign
        # land: filled, so roads on dams, causeways and bridges stay in their country and a point on
        # a lake is still in a country. (No hole is mostly covered by another country's polygon.)
        g = as_multipolygon(g if g.is_valid else g.buffer(0))
        geoms[a3] = MultiPolygon([Polygon(p.exterior) for p in g.geoms])
    # Make them disjoint: a point of an overlap belongs to the earlier country only.
    taken = None
    out = {}
    for a3 in COUNTRY_PRIORITY:
        if a3 not in geoms:
            continue
        g = geoms[a3]
        if taken is not None:
            g = as_multipolygon(g.difference(taken))
        out[a3] = g
        taken = g if taken is None else taken.union(g)
    return out


def build_borders(raw):
    feats = read_features(os.path.join(raw, "borders", "boundary_lines_land_ne10m.gpkg"))
    rows = []
    for fid, a, g in feats:
        def iso2(a3):
            if a3 in COUNTRIES:
                return COUNTRIES[a3][0]
            if a3 in EXTRA_ISO3:
                return EXTRA_ISO3[a3]
            fail(f"boundary line {fid}: unknown country {a3}")
        left, right = iso2(a["adm0_a3_l"]), iso2(a["adm0_a3_r"])
        for line in lines_of(g):
            coords = round_line(line.coords)
            if len(coords) < 2:
                continue
            rows.append(({
                "left": left,
                "right": right,
                "name_left": a["adm0_left"],
                "name_right": a["adm0_right"],
                "kind": a["featurecla"],
                "length_km": round(geod_len(coords) / 1000.0, 3),
            }, LineString(coords)))
    rows.sort(key=lambda r: (r[0]["left"], r[0]["right"], r[1].coords[0]))
    return rows


def build_provinces(raw):
    feats = read_features(os.path.join(raw, "borders", "iran_provinces_dcw.gpkg"))
    rows = []
    for _, a, g in feats:
        g = g if g.is_valid else g.buffer(0)
        rows.append(({
            "name": a["NAME_1"],
            "varname": a["VARNAME_1"] or "",
            "hasc": a["HASC_1"] or "",
            "country": "IR",
        }, as_multipolygon(g)))
    rows.sort(key=lambda r: r[0]["name"])
    return rows


# ---------------------------------------------------------------------------------------------
# roads

def osm_class(highway):
    base = highway[:-5] if highway.endswith("_link") else highway
    if base in ("motorway", "trunk", "primary", "secondary", "tertiary"):
        return base
    if base in ("residential", "unclassified", "living_street"):
        return "unknown"
    return None  # track, bus_stop, ladder, ...: not routable roads


def dcw_class(rtt, median):
    if rtt == "Primary Route":
        return "trunk" if median == "With Median" else "primary"
    if rtt == "Secondary Route":
        return "secondary"
    return "unknown"


NE_CLASS = {"Major Highway": "trunk", "Road": "primary", "Unknown": "unknown"}


def load_osm_roads(raw, drops):
    rows = []
    for fid, a, g in read_features(os.path.join(raw, "roads", "armenia_roads_osm.gpkg")):
        cls = osm_class(a["highway"] or "")
        if cls is None:
            drops[f"osm highway={a['highway']}"] += 1
            continue
        oneway = a["oneway"] in ("yes", "1", "true", "-1")
        for line in lines_of(g):
            coords = list(line.coords)
            if a["oneway"] == "-1":
                coords.reverse()
            rows.append(({
                "source": "osm",
                "class": cls,
                "ref": a["ref"] or a["int_ref"] or "",
                "name": a["name_en"] or a["name"] or "",
                "oneway": 1 if oneway else 0,
                "osm_id": a["osm_id"],
            }, LineString(coords)))
    return rows


def parse_other_tags(text):
    """GDAL's OSM driver puts unlisted tags in an hstore string: "k"=>"v","k2"=>"v2"."""
    tags = {}
    if not text:
        return tags
    for part in text.split('","'):
        if '"=>"' in part:
            k, v = part.split('"=>"', 1)
            tags[k.strip('"')] = v.strip('"')
    return tags


def load_osm_pbf_roads(path, drops):
    """Roads of any .osm.pbf (GDAL's OSM driver, layer `lines`), normalised like the OSM extract;
    used by --iran-osm to replace DCW for Iran."""
    ds = ogr.Open(path)
    if ds is None:
        fail(f"cannot open {path}")
    layer = ds.GetLayerByName("lines")
    rows = []
    for ft in layer:
        highway = ft.GetField("highway")
        if not highway:
            continue
        cls = osm_class(highway)
        if cls is None:
            drops[f"pbf highway={highway}"] += 1
            continue
        gr = ft.GetGeometryRef()
        if gr is None:
            continue
        tags = parse_other_tags(ft.GetField("other_tags"))
        line = wkb.loads(bytes(gr.ExportToIsoWkb()))
        coords = list(line.coords)
        if tags.get("oneway") == "-1":
            coords.reverse()
        rows.append(({
            "source": "osm",
            "class": cls,
            "ref": tags.get("ref", "") or tags.get("int_ref", ""),
            "name": tags.get("name:en", "") or (ft.GetField("name") or ""),
            "oneway": 1 if tags.get("oneway") in ("yes", "1", "true", "-1") else 0,
            "osm_id": int(ft.GetField("osm_id") or 0),
        }, LineString(coords)))
    rows.sort(key=lambda r: (r[0]["osm_id"], r[1].coords[0]))
    return rows


def load_dcw_roads(raw, drops):
    rows = []
    for fid, a, g in read_features(os.path.join(raw, "roads", "iran_roads_dcw.gpkg")):
        if a["F_CODE_DES"] == "Trail":
            drops["dcw Trail"] += 1
            continue
        cls = dcw_class(a["RTT_DESCRI"], a["MED_DESCRI"])
        for line in lines_of(g):
            rows.append(({"source": "dcw", "class": cls, "ref": "", "name": "", "oneway": 0}, line))
    return rows


class PointGrid:
    """Buckets points in ~0.01 degree cells to find neighbours within SNAP_M quickly."""

    def __init__(self, cell=0.01):
        self.cell = cell
        self.cells = defaultdict(list)

    def key(self, p):
        return (math.floor(p[0] / self.cell), math.floor(p[1] / self.cell))

    def add(self, p, item):
        self.cells[self.key(p)].append((p, item))

    def near(self, p):
        kx, ky = self.key(p)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                yield from self.cells.get((kx + dx, ky + dy), ())


def join_ne_pieces(lines):
    """Joins Natural Earth tile pieces: endpoints within SNAP_M of another piece's endpoint or
    vertex move onto it (to an existing position, nothing invented)."""
    coords = [list(l.coords) for l in lines]
    # 1. endpoint clusters (union-find), each cluster moved to its smallest member position.
    ends = []
    for i, c in enumerate(coords):
        ends.append((i, 0))
        ends.append((i, len(c) - 1))
    parent = list(range(len(ends)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    grid = PointGrid()
    for k, (i, j) in enumerate(ends):
        p = coords[i][j]
        for q, other in grid.near(p):
            if geod_dist(p, q) <= SNAP_M:
                ra, rb = find(k), find(other)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
        grid.add(p, k)
    members = defaultdict(list)
    for k in range(len(ends)):
        members[find(k)].append(k)
    for group in members.values():
        if len(group) < 2:
            continue
        target = min(tuple(coords[ends[k][0]][ends[k][1]]) for k in group)
        for k in group:
            i, j = ends[k]
            coords[i][j] = target
    # 2. dangling endpoints near an interior vertex of another piece (T-junctions).
    degree = Counter()
    for c in coords:
        degree[tuple(c[0])] += 1
        degree[tuple(c[-1])] += 1
    vgrid = PointGrid()
    for i, c in enumerate(coords):
        for p in c[1:-1]:
            vgrid.add(tuple(p), i)
    moved = 0
    for i, c in enumerate(coords):
        for j in (0, len(c) - 1):
            p = tuple(c[j])
            if degree[p] != 1:
                continue
            best = None
            for q, other in vgrid.near(p):
                if other == i:
                    continue
                d = geod_dist(p, q)
                if d <= SNAP_M and (best is None or (d, q) < best):
                    best = (d, q)
            if best is not None:
                c[j] = best[1]
                moved += 1
    out = []
    for c in coords:
        c = round_line(c)
        if len(c) >= 2:
            out.append(LineString(c))
    return out, moved


def load_ne_roads(raw, drops):
    feats = read_features(os.path.join(raw, "roads", "caucasus_roads_ne10m.gpkg"))
    groups = defaultdict(list)
    for fid, a, g in feats:
        if a["featureclass"] == "Ferry" or a["type"] == "Ferry Route":
            drops["ne Ferry Route"] += 1
            continue
        for line in lines_of(g):
            groups[a["type"]].append(line)
    # Join across all classes (a road of one class may end on another), then merge per class.
    keys = sorted(groups)
    flat = [(k, l) for k in keys for l in groups[k]]
    joined, moved = join_ne_pieces([l for _, l in flat])
    # join_ne_pieces keeps order unless a line collapsed; re-pair defensively by index
    if len(joined) != len(flat):
        fail("Natural Earth join dropped a piece; cannot keep its class")
    per_class = defaultdict(list)
    for (k, _), l in zip(flat, joined):
        per_class[k].append(l)
    rows = []
    pieces_in = len(flat)
    for k in keys:
        merged = linemerge(per_class[k])
        for line in lines_of(merged):
            rows.append(({"source": "ne", "class": NE_CLASS.get(k, "unknown"), "ref": "", "name": "",
                          "oneway": 0, "ne_type": k}, line))
    return rows, {"pieces": pieces_in, "merged": len(rows), "tjunction_snaps": moved}


OVER_WATER = Counter()  # road parts over water kept in their country, by source and country


def clip_to(rows, area, iso2, drops, label, land=None):
    """Each road's parts inside `area`, tagged with country iso2. With `land` (every country's
    land), a part of the road over water (a coastal road whose coarse line leaves the coastline,
    a causeway, a river mouth) is kept in iso2 too when both its ends are on `area` or are the
    road's own ends: the country polygons follow the shoreline more closely than the roads do."""
    pa = prep(area)
    pl = prep(land) if land is not None else None
    out = []

    def keep(p):
        c = round_line(p.coords)
        if len(c) < 2:
            return
        a = dict(attrs)
        a["country"] = iso2
        out.append((a, c))

    for attrs, line in rows:
        if not pa.intersects(line):
            continue
        if pa.contains(line):
            parts = [line]
        else:
            parts = lines_of(line.intersection(area))
        for p in parts:
            keep(p)
        if pl is None or pl.contains(line):
            continue
        own_ends = {line.coords[0], line.coords[-1]}
        for p in lines_of(line.difference(land)):
            ends = [p.coords[0], p.coords[-1]]
            on_area = [area.distance(Point(e)) < 1e-7 for e in ends]
            if any(on_area) and all(t or e in own_ends for t, e in zip(on_area, ends)):
                OVER_WATER[f"{label} {iso2}"] += 1
                keep(p)
    return out


def fill_gaps(primary, secondary):
    """The parts of `secondary` roads farther than FILL_DEG from every `primary` road, each
    joined at its cut ends to the nearest primary vertex."""
    if not primary:
        return secondary, []
    cover = unary_union([LineString(c) for _, c in primary]).buffer(FILL_DEG)
    out = []
    for a, c in secondary:
        for part in lines_of(LineString(c).difference(cover)):
            pc = round_line(part.coords)
            if len(pc) >= 2 and geod_len(pc) > 200.0:
                out.append((a, pc))
    seams = join_seam(out, primary, cover.boundary, tolerance_deg=1e-4)
    return out, seams


def join_seam(ne_rows, osm_rows, edge, tolerance_deg=1e-6):
    """Extends each Natural Earth piece that ends on `edge` to the nearest OSM vertex (within
    SEAM_M), so the two representations of the same road connect at the seam."""
    grid = PointGrid(cell=0.05)
    for a, c in osm_rows:
        for p in c:
            grid.add(p, None)
    joined = []
    for k, (a, c) in enumerate(ne_rows):
        for end in (0, -1):
            p = c[end]
            if edge.distance(Point(p)) > tolerance_deg:
                continue
            best = None
            for q, _ in grid.near(p):
                d = geod_dist(p, q)
                if d <= SEAM_M and (best is None or (d, q) < best):
                    best = (d, q)
            if best is None:
                continue
            c = c + [best[1]] if end == -1 else [best[1]] + c
            joined.append(round(best[0]))
        ne_rows[k] = (a, c)
    return joined


def separate_networks(roads):
    """Roads cut at a border end on the same point on both sides; pull each such end back TRIM_M
    so the two networks never touch (crossings are the only links)."""
    owner = defaultdict(set)
    for a, c in roads:
        for p in c:
            owner[p].add(a["country"])
    shared = {p for p, cs in owner.items() if len(cs) > 1}
    # Also ends of different countries closer than a metre (separate intersections).
    grid = PointGrid()
    for a, c in roads:
        for p in (c[0], c[-1]):
            grid.add(p, a["country"])
    for a, c in roads:
        for p in (c[0], c[-1]):
            for q, cc in grid.near(p):
                if cc != a["country"] and geod_dist(p, q) < 1.0:
                    shared.add(p)
    out = []
    trimmed = 0
    for a, c in roads:
        if shared and (c[0] in shared or c[-1] in shared):
            if c[0] in shared:
                c = trim_start(c, TRIM_M)
            if c and c[-1] in shared:
                c = list(reversed(trim_start(list(reversed(c)), TRIM_M)))
            trimmed += 1
            c = round_line(c)
            if len(c) < 2:
                continue
        if any(p in shared for p in c[1:-1]):
            fail(f"road piece of {a['country']} passes through a point shared with another country")
        out.append((a, c))
    return out, trimmed


def join_dangling_ends(roads):
    """Moves each road end that touches nothing onto the nearest road of the same country when
    that road is within JOIN_M[source] (a T-junction the source digitised with a gap, or NE's
    ~60 m quantisation): onto its nearest vertex, or onto a vertex inserted into it. Returns
    how many ends were joined per source."""
    use = Counter()
    for _, c in roads:
        for p in c:
            use[p] += 1
    by_country = defaultdict(list)
    for i, (a, c) in enumerate(roads):
        by_country[a["country"]].append(i)
    inserts = defaultdict(list)   # road index -> points to insert
    moves = []                    # (road index, end index, new position)
    targeted = set()
    joined = Counter()
    for iso2 in sorted(by_country):
        idxs = by_country[iso2]
        geoms = [LineString(roads[i][1]) for i in idxs]
        tree = STRtree(geoms)
        which = {id(g): i for g, i in zip(geoms, idxs)}
        for i in idxs:
            a, c = roads[i]
            tol = JOIN_M.get(a["source"], 0.0)
            if tol <= 0:
                continue
            for end in (0, len(c) - 1):
                p = c[end]
                if use[p] > 1 or p in targeted:
                    continue
                pt = Point(p)
                best = None
                for g in tree.query(pt.buffer(tol / 80000.0)):
                    j = which[id(g)]
                    if j == i:
                        continue
                    q = g.interpolate(g.project(pt))
                    d = geod_dist(p, (q.x, q.y))
                    if d > tol:
                        continue
                    # prefer an existing vertex close to the projection
                    tc = roads[j][1]
                    v = min(tc, key=lambda t: (geod_dist(p, t), t))
                    dv = geod_dist(p, v)
                    cand = (dv, j, v, False) if dv <= tol and dv - d < 5.0 else (d, j, (rnd(q.x), rnd(q.y)), True)
                    if best is None or cand[:3] < best[:3]:
                        best = cand
                if best is None:
                    continue
                d, j, q, insert = best
                if insert:
                    inserts[j].append(q)
                moves.append((i, end, q))
                targeted.add(q)
                joined[a["source"]] += 1
    for j, pts in inserts.items():
        a, c = roads[j]
        for q in sorted(set(pts)):
            c = insert_vertex(c, q)
        roads[j] = (a, c)
    for i, end, q in moves:
        a, c = roads[i]
        c = list(c)
        # the end is still first/last: insertions never touch a line's ends
        if end == 0:
            c[0] = q
        else:
            c[-1] = q
        c = round_line(c)
        roads[i] = (a, c)
    roads[:] = [(a, c) for a, c in roads if len(c) >= 2]
    return dict(joined)


# ---------------------------------------------------------------------------------------------
# crossings and connectors

CROSSING_FIELDS = ["id", "name", "name_a", "name_b", "country_a", "country_b",
                   "lon_a", "lat_a", "lon_b", "lat_b", "type", "status", "source"]


def load_crossings(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != CROSSING_FIELDS:
            fail(f"{path}: columns must be {','.join(CROSSING_FIELDS)}, got {reader.fieldnames}")
        rows = list(reader)
    ids = set()
    for r in rows:
        if r["id"] in ids:
            fail(f"{path}: duplicate crossing id {r['id']}")
        ids.add(r["id"])
        for k in ("lon_a", "lat_a", "lon_b", "lat_b"):
            r[k] = float(r[k])
        for k in CROSSING_FIELDS:
            if r[k] == "":
                fail(f"{path}: crossing {r['id']} has an empty {k}")
    rows.sort(key=lambda r: r["id"])
    return rows


class RoadIndex:
    """Nearest road piece of one country to a point, by geodesic distance."""

    def __init__(self, roads):
        self.by_country = defaultdict(list)
        for idx, (a, c) in enumerate(roads):
            self.by_country[a["country"]].append((idx, LineString(c)))
        self.trees = {}
        for iso2, items in self.by_country.items():
            geoms = [g for _, g in items]
            self.trees[iso2] = (STRtree(geoms), {id(g): i for i, g in items})

    def nearest(self, iso2, p, search_deg=0.5, inside=None):
        """(distance m, road index, point) of the nearest road point of iso2; with `inside` (a
        prepared polygon) only points whose straight connector from p stays inside it."""
        if iso2 not in self.trees:
            return None
        tree, ids = self.trees[iso2]
        pt = Point(p)
        best = None
        for g in tree.query(pt.buffer(search_deg)):
            q = nearest_points(pt, g)[1]
            cands = [(q.x, q.y)]
            if inside is not None and not inside.contains(LineString([p, cands[0]])):
                # the straight line leaves the country: try the road's vertices instead
                cands = sorted(g.coords, key=lambda v: (v[0] - p[0]) ** 2 + (v[1] - p[1]) ** 2)
                cands = [v for v in cands if inside.contains(LineString([p, v]))][:1]
            for c in cands:
                cand = (geod_dist(p, c), ids[id(g)], c)
                if best is None or cand < best:
                    best = cand
        return best

    def nearest_other(self, iso2, p, search_deg=0.05):
        """Distance in metres to the nearest road of any country but iso2 (inf when none near)."""
        best = math.inf
        pt = Point(p)
        for other, (tree, _) in self.trees.items():
            if other == iso2:
                continue
            for g in tree.query(pt.buffer(search_deg)):
                q = nearest_points(pt, g)[1]
                best = min(best, geod_dist(p, (q.x, q.y)))
        return best


def insert_vertex(coords, q):
    """coords with q inserted on its closest segment (so a connector ends on a road vertex)."""
    q = (rnd(q[0]), rnd(q[1]))
    if q in coords:
        return coords
    line = LineString(coords)
    target = line.project(Point(q))
    acc = 0.0
    for i in range(1, len(coords)):
        seg = LineString([coords[i - 1], coords[i]]).length
        if acc + seg >= target:
            return coords[:i] + [q] + coords[i:]
        acc += seg
    return coords + [q]


def build_crossings(crossings, countries_by_iso2, roads):
    index = RoadIndex(roads)
    crossing_rows = []
    connectors = []
    splits = defaultdict(list)  # road index -> gate points to split it at
    for r in crossings:
        conn = {}
        for side in ("a", "b"):
            iso2 = r[f"country_{side}"]
            gate = (r[f"lon_{side}"], r[f"lat_{side}"])
            area = countries_by_iso2.get(iso2)
            if area is None:
                fail(f"crossing {r['id']}: country {iso2} has no polygon")
            gpt = Point(gate)
            if not area.contains(gpt):
                d = geod_dist(gate, nearest_points(gpt, area)[1].coords[0])
                if d > 1000.0:
                    fail(f"crossing {r['id']}: gate {side} {gate} is {d:.0f} m outside {iso2}")
            # A connector must not cut through a neighbour (the Aras bends around Nurduz).
            local = area.intersection(gpt.buffer(0.5)).buffer(0.001)
            nearest = index.nearest(iso2, gate, inside=prep(local))
            if nearest is None:
                fail(f"crossing {r['id']}: no road in {iso2} reachable inside {iso2}")
            d, road_idx, q = nearest
            other_d = index.nearest_other(iso2, gate)
            if d > MAX_CONNECTOR_M:
                fail(f"crossing {r['id']}: gate {side} ({iso2}) is {d / 1000:.1f} km from the "
                     f"nearest {iso2} road, over the {MAX_CONNECTOR_M / 1000:.0f} km connector limit")
            splits[road_idx].append(q)
            # No connector when a road of the gate's country is within the snap tolerance, unless a
            # road of another country is nearer (a router would snap the gate to the wrong side).
            if d <= GATE_SNAP_M and d < other_d:
                conn[side] = 0.0
                continue
            q = (rnd(q[0]), rnd(q[1]))
            cc = [(rnd(gate[0]), rnd(gate[1])), q]
            length = geod_len(cc)
            conn[side] = length
            connectors.append(({
                "crossing": r["id"],
                "side": side,
                "country": iso2,
                "connector": 1,
                "length_m": round(length, 1),
            }, cc))
        gap = geod_dist((r["lon_a"], r["lat_a"]), (r["lon_b"], r["lat_b"]))
        if gap > 5000.0:
            fail(f"crossing {r['id']}: gates are {gap:.0f} m apart")
        attrs = {k: r[k] for k in CROSSING_FIELDS if not k.startswith(("lon", "lat"))}
        for k in ("lon_a", "lat_a", "lon_b", "lat_b"):
            attrs[k] = rnd(r[k])
        attrs["conn_a_m"] = round(conn["a"], 1)
        attrs["conn_b_m"] = round(conn["b"], 1)
        attrs["length_m"] = round(gap, 1)
        crossing_rows.append((attrs, [(rnd(r["lon_a"]), rnd(r["lat_a"])), (rnd(r["lon_b"]), rnd(r["lat_b"]))]))
    # Each gate's road is split at the point nearest the gate (after the search, so the index is built
    # once): a router attaches gates to road nodes (junctions and ends), and a coarse DCW/NE line may
    # have none within kilometres.
    for road_idx, points in sorted(splits.items()):
        a, c = roads[road_idx]
        for q in points:
            c = insert_vertex(c, q)
        cuts = sorted({c.index((rnd(q[0]), rnd(q[1]))) for q in points} - {0, len(c) - 1})
        bounds = [0] + cuts + [len(c) - 1]
        roads[road_idx] = (a, c[:bounds[1] + 1])
        for lo, hi in zip(bounds[1:-1], bounds[2:]):
            roads.append((dict(a), c[lo:hi + 1]))
    return crossing_rows, connectors


# ---------------------------------------------------------------------------------------------
# places

def build_places(raw):
    path = os.path.join(raw, "gazetteer", "geonames_cities500.txt.gz")
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) < 19:
                continue
            lat, lon = float(c[4]), float(c[5])
            if not (38.0 <= lon <= 58.0 and 33.0 <= lat <= 45.0):
                continue
            rows.append(({
                "geonameid": int(c[0]),
                "name": c[1],
                "asciiname": c[2],
                "country": c[8],
                "fclass": c[6],
                "fcode": c[7],
                "population": int(c[14] or 0),
                "admin1": c[10],
            }, (rnd(lon), rnd(lat))))
    rows.sort(key=lambda r: r[0]["geonameid"])
    return rows


# ---------------------------------------------------------------------------------------------
# writing

def ogr_type(v):
    if isinstance(v, bool) or isinstance(v, int):
        return ogr.OFTInteger64 if isinstance(v, int) and abs(v) > 2**31 - 1 else ogr.OFTInteger
    if isinstance(v, float):
        return ogr.OFTReal
    return ogr.OFTString


def to_ogr(geom):
    return ogr.CreateGeometryFromWkb(bytes(geom.wkb))


def write_shapefile(out_dir, name, geom_type, fields, rows):
    """rows: (attrs dict, shapely geometry). fields: [(name, ogr type, width)]."""
    for ext in ("shp", "shx", "dbf", "prj", "cpg"):
        p = os.path.join(out_dir, f"{name}.{ext}")
        if os.path.exists(p):
            os.remove(p)
    drv = ogr.GetDriverByName("ESRI Shapefile")
    ds = drv.CreateDataSource(os.path.join(out_dir, f"{name}.shp"))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    layer = ds.CreateLayer(name, srs, geom_type, options=["ENCODING=UTF-8"])
    for fname, ftype, width in fields:
        if len(fname) > 10:
            fail(f"field name {fname} longer than 10 characters")
        fd = ogr.FieldDefn(fname, ftype)
        if width:
            fd.SetWidth(width)
        if ftype == ogr.OFTReal:
            fd.SetWidth(24)
            fd.SetPrecision(7)
        layer.CreateField(fd)
    defn = layer.GetLayerDefn()
    for attrs, geom in rows:
        ft = ogr.Feature(defn)
        for fname, ftype, _ in fields:
            v = attrs.get(fname)
            if v is not None:
                ft.SetField(fname, v)
        ft.SetGeometry(to_ogr(geom))
        layer.CreateFeature(ft)
    ds = None
    # GDAL writes the .prj as ESRI WKT; the .cpg is written because of ENCODING=UTF-8.
    cpg = os.path.join(out_dir, f"{name}.cpg")
    with open(cpg, "w", encoding="ascii") as f:
        f.write("UTF-8\n")


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", default=os.path.join(repo, "..", "shared", "data", "raw"),
                    help="directory of the raw sources (default: ../shared/data/raw from the repo root)")
    ap.add_argument("--out", default=os.path.join(repo, "data"), help="output data directory (default: <repo>/data)")
    ap.add_argument("--iran-osm", default=None, metavar="PBF",
                    help="take Iran's roads from this .osm.pbf instead of the DCW layer")
    ap.add_argument("--crossings", default=None, help="curated crossings CSV (default: OUT/crossings.csv)")
    args = ap.parse_args(argv)
    raw = args.raw
    out = args.out
    crossings_csv = args.crossings or os.path.join(out, "crossings.csv")
    if not os.path.isdir(raw):
        fail(f"raw source directory {raw} does not exist")
    shp_dir = os.path.join(out, "shapefiles")
    os.makedirs(shp_dir, exist_ok=True)

    log = lambda *a: print(*a, file=sys.stderr)

    countries = load_countries(raw)
    by_iso2 = {COUNTRIES[a3][0]: g for a3, g in countries.items()}
    log(f"countries: {len(countries)}")

    drops = Counter()
    osm = load_osm_roads(raw, drops)
    if args.iran_osm:
        dcw = load_osm_pbf_roads(args.iran_osm, drops)
        log(f"Iran roads from {args.iran_osm}: {len(dcw)}")
    else:
        dcw = load_dcw_roads(raw, drops)
    ne, ne_stats = load_ne_roads(raw, drops)
    log(f"roads read: osm {len(osm)}, dcw {len(dcw)}, ne {ne_stats}")

    aze = countries["AZE"]
    parts = sorted(aze.geoms, key=lambda g: (-g.area, g.bounds))
    nakhchivan = MultiPolygon([g for g in parts[1:] if NAKHCHIVAN_BBOX.contains(g.representative_point())])
    aze_main = as_multipolygon(aze.difference(nakhchivan))
    land = unary_union(list(countries.values()))
    roads = []
    roads += clip_to(dcw, countries["IRN"], "IR", drops, "dcw", land)
    roads += clip_to(osm, countries["ARM"], "AM", drops, "osm", land)
    nak_osm = clip_to(osm, nakhchivan, "AZ", drops, "osm")
    nak_ne, nak_seams = fill_gaps(nak_osm, clip_to(ne, nakhchivan, "AZ", drops, "ne"))
    roads += nak_osm + nak_ne
    log(f"Nakhchivan: {len(nak_osm)} OSM pieces, {len(nak_ne)} NE pieces filling OSM gaps, seams joined: {nak_seams}")
    roads += clip_to(ne, aze_main, "AZ", drops, "ne", land)
    for a3, zone in (("TUR", TURKEY_OSM_BBOX), ("GEO", GEORGIA_OSM_BBOX)):
        iso2 = COUNTRIES[a3][0]
        inside = as_multipolygon(countries[a3].intersection(zone))
        outside = as_multipolygon(countries[a3].difference(zone))
        z_osm = clip_to(osm, inside, iso2, drops, "osm", land)
        z_ne = clip_to(ne, outside, iso2, drops, "ne", land)
        seams = join_seam(z_ne, z_osm, zone.exterior)
        roads += z_osm + z_ne
        log(f"{a3}: {len(z_osm)} OSM pieces in the OSM box, {len(z_ne)} NE pieces outside, seams joined: {seams}")
    for a3 in sorted(countries):
        if a3 in ("IRN", "ARM", "AZE", "TUR", "GEO"):
            continue
        roads += clip_to(ne, countries[a3], COUNTRIES[a3][0], drops, "ne", land)
    roads, trimmed = separate_networks(roads)
    joined = join_dangling_ends(roads)
    log(f"dangling road ends joined to a nearby road: {joined}")
    log(f"road pieces after clipping: {len(roads)} (trimmed at borders: {trimmed}); dropped {dict(drops)}")
    log(f"road parts over water kept in their country: {dict(OVER_WATER)}")

    crossings = load_crossings(crossings_csv)
    crossing_rows, connectors = build_crossings(crossings, by_iso2, roads)
    for a, c in connectors:
        roads.append(({"source": "connector", "class": "connector", "ref": "", "name": f"connector {a['crossing']} {a['side']}",
                       "oneway": 0, "country": a["country"]}, c))

    # Deterministic order and stable ids.
    def road_key(r):
        a, c = r
        return (a["source"], a["country"], a["class"], c[0], c[-1], len(c), a.get("name", ""))
    roads.sort(key=road_key)
    road_rows = []
    for i, (a, c) in enumerate(roads, start=1):
        road_rows.append(({
            "road_id": i,
            "source": a["source"],
            "class": a["class"],
            "ref": a.get("ref", ""),
            "name": a.get("name", ""),
            "oneway": a.get("oneway", 0),
            "country": a["country"],
            "speed_kmh": SPEED_KMH[a["class"]],
            "length_m": round(geod_len(c), 1),
            "osm_id": a.get("osm_id", 0),
        }, LineString(c)))

    S, I, R = ogr.OFTString, ogr.OFTInteger, ogr.OFTReal
    I64 = ogr.OFTInteger64
    country_rows = sorted(((({"iso2": COUNTRIES[a3][0], "iso3": a3, "name": COUNTRIES[a3][1]}),
                            MultiPolygon([Polygon(round_line(p.exterior.coords), [round_line(h.coords) for h in p.interiors])
                                          for p in g.geoms])) for a3, g in countries.items()),
                          key=lambda r: r[0]["iso3"])
    write_shapefile(shp_dir, "countries", ogr.wkbMultiPolygon,
                    [("iso2", S, 2), ("iso3", S, 3), ("name", S, 40)], country_rows)
    write_shapefile(shp_dir, "borders", ogr.wkbLineString,
                    [("left", S, 2), ("right", S, 2), ("name_left", S, 40), ("name_right", S, 40),
                     ("kind", S, 40), ("length_km", R, 0)], build_borders(raw))
    prov = [(a, MultiPolygon([Polygon(round_line(p.exterior.coords), [round_line(h.coords) for h in p.interiors])
                              for p in g.geoms])) for a, g in build_provinces(raw)]
    write_shapefile(shp_dir, "provinces", ogr.wkbMultiPolygon,
                    [("name", S, 60), ("varname", S, 160), ("hasc", S, 15), ("country", S, 2)], prov)
    write_shapefile(shp_dir, "roads", ogr.wkbLineString,
                    [("road_id", I, 0), ("source", S, 9), ("class", S, 9), ("ref", S, 40), ("name", S, 80),
                     ("oneway", I, 0), ("country", S, 2), ("speed_kmh", I, 0), ("length_m", R, 0),
                     ("osm_id", I64, 0)], road_rows)
    write_shapefile(shp_dir, "connectors", ogr.wkbLineString,
                    [("crossing", S, 32), ("side", S, 1), ("country", S, 2), ("connector", I, 0), ("length_m", R, 0)],
                    sorted(((a, LineString(c)) for a, c in connectors), key=lambda r: (r[0]["crossing"], r[0]["side"])))
    write_shapefile(shp_dir, "crossings", ogr.wkbLineString,
                    [("id", S, 32), ("name", S, 80), ("name_a", S, 80), ("name_b", S, 80), ("country_a", S, 2),
                     ("country_b", S, 2), ("lon_a", R, 0), ("lat_a", R, 0), ("lon_b", R, 0), ("lat_b", R, 0),
                     ("type", S, 8), ("status", S, 8), ("source", S, 254), ("conn_a_m", R, 0), ("conn_b_m", R, 0),
                     ("length_m", R, 0)],
                    [(a, LineString(c)) for a, c in crossing_rows])
    places = build_places(raw)
    write_shapefile(shp_dir, "places", ogr.wkbPoint,
                    [("geonameid", I, 0), ("name", S, 100), ("asciiname", S, 100), ("country", S, 2),
                     ("fclass", S, 1), ("fcode", S, 10), ("population", I64, 0), ("admin1", S, 20)],
                    [(a, Point(p)) for a, p in places])

    # Summary for tools/README.md and data/README.md.
    counts = Counter((a["source"], a["country"]) for a, _ in road_rows)
    log("roads by source/country: " + ", ".join(f"{s}/{c}={n}" for (s, c), n in sorted(counts.items())))
    log(f"places: {len(places)}")
    log("crossings (conn_a_m, conn_b_m, gate gap m):")
    for a, _ in crossing_rows:
        log(f"  {a['id']:<16} {a['country_a']}-{a['country_b']}  {a['conn_a_m']:>9.1f} {a['conn_b_m']:>9.1f} {a['length_m']:>7.1f}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except PipelineError as e:
        print(f"build_dataset: error: {e}", file=sys.stderr)
        sys.exit(1)
