#!/usr/bin/python3
"""Builds Aras's multilingual gazetteer (data/gazetteer/places.tsv) from the raw GeoNames and
Who's On First extracts plus the curated CSVs. Deterministic: same inputs, same bytes.

Usage: /usr/bin/python3 tools/gazetteer/build_gazetteer.py --raw ../shared/data/raw --out data/gazetteer

Output format (UTF-8, one place a line, tab-separated, '#' lines are comments):
  source kind country population lon lat capital province crossing_id name  lang:name ...
The first lang:name per language is that language's preferred name; lang may be empty (untagged
variant). The C++ loader (geo/src/gazetteer.cpp) computes the normalised match keys at load time so
that normalisation lives in one place.
"""
import argparse
import csv
import gzip
import io
import json
import math
import os
import sys
import unicodedata

REGION = (38.0, 33.0, 58.0, 45.0)  # lon/lat box that keeps every name
SIX = ("en", "he", "fa", "ru", "az", "tr")
WOF_LANG = {"eng": "en", "heb": "he", "fas": "fa", "rus": "ru", "aze": "az", "tur": "tr", "hye": "hy",
            "kat": "ka", "ara": "ar", "azb": "azb", "deu": "de", "fra": "fr", "ukr": "uk", "kur": "ku",
            "ckb": "ckb", "und": ""}
SCRIPT_OF_LANG = {"he": "Hebrew", "fa": "Arabic", "ar": "Arabic", "ru": "Cyrillic", "uk": "Cyrillic",
                  "az": "Latin", "tr": "Latin", "en": "Latin", "hy": "Armenian", "ka": "Georgian"}


def script_of(ch):
    o = ord(ch)
    if o < 0x250 or 0x1E00 <= o <= 0x1EFF:
        return "Latin"
    if 0x400 <= o <= 0x52F:
        return "Cyrillic"
    if 0x590 <= o <= 0x5FF or 0xFB1D <= o <= 0xFB4F:
        return "Hebrew"
    if 0x600 <= o <= 0x6FF or 0x750 <= o <= 0x77F or 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF:
        return "Arabic"
    if 0x530 <= o <= 0x58F:
        return "Armenian"
    if 0x10A0 <= o <= 0x10FF:
        return "Georgian"
    return "Other"


def scripts(name):
    return {script_of(c) for c in name if c.isalpha()}


def in_six_scripts(name):
    s = scripts(name)
    return bool(s) and s <= {"Latin", "Cyrillic", "Hebrew", "Arabic"}


def fold(name):
    s = unicodedata.normalize("NFKD", name.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in s).split())


def in_region(lon, lat):
    return REGION[0] <= lon <= REGION[2] and REGION[1] <= lat <= REGION[3]


def clean(name):
    return " ".join(name.replace("\t", " ").split())


def distance_km(a, b):
    dlat = math.radians(a[1] - b[1])
    dlon = math.radians(a[0] - b[0]) * math.cos(math.radians((a[1] + b[1]) / 2))
    return 6371.0 * math.hypot(dlat, dlon)


class Place:
    __slots__ = ("source", "kind", "country", "population", "lon", "lat", "capital", "province",
                 "crossing_id", "name", "names", "_seen")

    def __init__(self, source, kind, country, population, lon, lat, name):
        self.source, self.kind, self.country = source, kind, country
        self.population, self.lon, self.lat = population, lon, lat
        self.capital, self.province, self.crossing_id = 0, "", ""
        self.name = clean(name)
        self.names = []
        self._seen = set()
        self.add("", self.name)

    def add(self, lang, name):
        name = clean(name)
        if not name or len(name) > 120:
            return
        key = (lang, name)
        if key in self._seen:
            return
        self._seen.add(key)
        self.names.append(key)

    def line(self):
        out = [self.source, self.kind, self.country, str(self.population), "%.5f" % self.lon,
               "%.5f" % self.lat, str(self.capital), self.province, self.crossing_id, self.name]
        out += ["%s:%s" % (lang, name) for lang, name in self.names]
        return "\t".join(out)


def gn_kind(fcode, pop):
    if fcode == "PPLC" or pop >= 100000:
        return "city"
    if pop >= 10000 or fcode in ("PPLA", "PPLA2"):
        return "town"
    return "village"


def load_geonames(raw):
    places, by_gn = [], {}
    with gzip.open(os.path.join(raw, "gazetteer/geonames_cities500.txt.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) < 19:
                continue
            gid, name, ascii_name, alts = c[0], c[1], c[2], c[3]
            lat, lon = float(c[4]), float(c[5])
            fcode, cc, pop = c[7], c[8], int(c[14] or 0)
            p = Place("geonames:" + gid, gn_kind(fcode, pop), cc, pop, lon, lat, name)
            p.capital = 2 if fcode == "PPLC" else (1 if fcode == "PPLA" else 0)
            p.add("", ascii_name)
            region = in_region(lon, lat)
            for a in alts.split(","):
                a = a.strip()
                if not a:
                    continue
                # IATA/ICAO-like codes and links are not names.
                if a.isascii() and a.isupper() and len(a) <= 4:
                    continue
                if a.startswith("http"):
                    continue
                # Outside the region only towns of some size keep their untagged variants (size).
                if region or (pop >= 15000 and in_six_scripts(a)):
                    p.add("", a)
            by_gn[gid] = p
            places.append(p)
    return places, by_gn


def tagged_ok(lang, name):
    want = SCRIPT_OF_LANG.get(lang)
    if want is None:
        return True
    s = scripts(name)
    return s == {want}  # drops the names filed under the wrong language


def load_gn_tagged(raw, by_gn, country_rows):
    with gzip.open(os.path.join(raw, "gazetteer/geonames_altnames_by_lang.tsv.gz"), "rt",
                   encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) != 3:
                continue
            gid, lang, name = c
            if not tagged_ok(lang, name):
                continue
            if gid.isdigit():
                p = by_gn.get(gid)
                if p is None:
                    continue
                if lang in SIX or in_region(p.lon, p.lat):
                    p.add(lang, name)
            elif len(gid) == 2 and (lang in SIX or lang in ("hy", "ka", "ar")):
                country_rows.setdefault(gid, []).append((lang, name))


def wof_names(rec):
    out = []
    for key in sorted(rec.get("names", {})):
        if not key.startswith("name:"):
            continue
        code = key[5:8]
        lang = WOF_LANG.get(code, code)
        preferred = "_x_preferred" in key
        for n in rec["names"][key]:
            if lang and not tagged_ok(lang, n):
                lang_used = ""
            else:
                lang_used = lang
            out.append((0 if preferred else 1, lang_used, n))
    out.sort(key=lambda t: t[0])
    return [(lang, n) for _, lang, n in out]


def load_wof(raw, places, by_gn):
    recs = []
    for cc in ("am", "az", "ir"):
        with gzip.open(os.path.join(raw, "gazetteer/wof_%s.jsonl.gz" % cc), "rt", encoding="utf-8") as f:
            for line in f:
                recs.append(json.loads(line))
    recs.sort(key=lambda r: r["id"])
    by_id = {r["id"]: r for r in recs}

    def region_name(rec):
        seen = 0
        while rec is not None and seen < 8:
            if rec["placetype"] == "region":
                n = rec["names"].get("name:eng_x_preferred")
                return n[0] if n else rec["name"]
            rec = by_id.get(rec.get("parent"))
            seen += 1
        return ""

    by_wd = {}
    kept_wof = []
    deferred = []
    for r in recs:
        pt = r["placetype"]
        if pt not in ("region", "county", "locality", "localadmin", "macroregion"):
            continue
        if r.get("deprecated") and r.get("is_current") != 1:
            continue
        lat, lon = r.get("lbl_lat") or r["lat"], r.get("lbl_lon") or r["lon"]
        if lat is None or lon is None:
            continue
        names = wof_names(r)
        gid = str(r["concordances"].get("gn:id", ""))
        wd = r["concordances"].get("wd:id")
        target = by_gn.get(gid) if pt in ("locality", "localadmin") else None
        if target is None and wd and wd in by_wd and pt in ("locality", "localadmin"):
            target = by_wd[wd]
        if target is not None:
            for lang, n in names:
                target.add(lang, n)
            if not target.province:
                target.province = region_name(r)
            target.add("", r["name"])
            continue
        if r["is_current"] == 0:
            deferred.append((r, names))
            continue
        kind = {"region": "region", "macroregion": "region", "county": "county"}.get(pt, "village")
        p = Place("wof:%d" % r["id"], kind, r["country"], 0, float(lon), float(lat), r["name"])
        p.province = region_name(r) if pt != "region" else ""
        for lang, n in names:
            p.add(lang, n)
        places.append(p)
        kept_wof.append(p)
        if wd:
            by_wd[wd] = p
    # Non-current records only when they are the only source of the feature (e.g. Nurduz, Xudafərin).
    grid = {}
    for p in places:
        if in_region(p.lon, p.lat):
            grid.setdefault((int(p.lon * 10), int(p.lat * 10)), []).append(p)
    for r, names in deferred:
        if r["placetype"] not in ("locality", "localadmin"):
            continue
        lon, lat = float(r["lon"]), float(r["lat"])
        keys = {fold(n) for _, n in names} | {fold(r["name"])}
        dup = False
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for q in grid.get((int(lon * 10) + dx, int(lat * 10) + dy), []):
                    if distance_km((q.lon, q.lat), (lon, lat)) < 10 and keys & {fold(n) for _, n in q.names}:
                        dup = True
        if dup:
            continue
        p = Place("wof:%d" % r["id"], "village", r["country"], 0, lon, lat, r["name"])
        p.province = region_name(r)
        for lang, n in names:
            p.add(lang, n)
        places.append(p)


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f) if row and not (row.get("id") or "").startswith("#")]


def add_curated(curated_dir, places, by_gn, country_rows):
    by_source = {p.source: p for p in places}
    # Countries from the language-tagged GeoNames rows, placed at the curated point.
    for row in read_csv(os.path.join(curated_dir, "curated_countries.csv")):
        iso = row["iso2"]
        p = Place("geonames-country:" + iso, "country", iso, int(row["population"] or 0),
                  float(row["lon"]), float(row["lat"]), row["name"])
        p.capital = 3
        for lang, n in sorted(country_rows.get(iso, []), key=lambda t: (t[0] not in SIX, t[0])):
            p.add(lang, n)
        for lang in ("en", "he", "fa", "ru", "az", "tr"):
            for n in filter(None, (row.get(lang) or "").split("|")):
                p.add(lang, n)
        places.append(p)
        by_source[p.source] = p
    for row in read_csv(os.path.join(curated_dir, "curated_places.csv")):
        p = Place("curated:" + row["id"], row["kind"], row["country"], int(row["population"] or 0),
                  float(row["lon"]), float(row["lat"]), row["name"])
        p.crossing_id = row.get("crossing_id") or ""
        p.province = row.get("province") or ""
        for lang in ("en", "he", "fa", "ru", "az", "tr", "hy"):
            for n in filter(None, (row.get(lang) or "").split("|")):
                p.add(lang, n)
        places.append(p)
        by_source[p.source] = p
    for row in read_csv(os.path.join(curated_dir, "curated_names.csv")):
        target = by_source.get(row["target"])
        if target is None:
            sys.exit("curated_names.csv: unknown target %s" % row["target"])
        target.add(row["lang"], row["name"])
        # Curated spellings are editorially confirmed: the loader ranks them like preferred names.
        target.add("curated", row["name"])


ISO3_TO_ISO2 = {"IRN": "IR", "AZE": "AZ", "ARM": "AM", "GEO": "GE", "TUR": "TR", "IRQ": "IQ", "TKM": "TM",
                "SYR": "SY", "RUS": "RU", "KAZ": "KZ"}


def write_admin_areas(raw, out):
    """Simplified country and Iranian province polygons for reverse geocoding (point in polygon)."""
    from osgeo import ogr
    ogr.UseExceptions()
    features = []

    def add(geom, props):
        g = geom.SimplifyPreserveTopology(0.003)
        features.append({"type": "Feature", "properties": props,
                         "geometry": json.loads(g.ExportToJson(options=["COORDINATE_PRECISION=4"]))})

    ds = ogr.Open(os.path.join(raw, "borders/countries_osm_geomaps_10m.gpkg"))
    lyr = ds.GetLayer(0)
    rows = sorted(((f.GetField("A3"), f.GetGeometryRef().Clone()) for f in lyr), key=lambda t: t[0])
    for a3, geom in rows:
        if a3 in ISO3_TO_ISO2:
            add(geom, {"kind": "country", "iso2": ISO3_TO_ISO2[a3], "name": a3})
    ds = ogr.Open(os.path.join(raw, "borders/iran_provinces_dcw.gpkg"))
    lyr = ds.GetLayer(0)
    rows = sorted(((f.GetField("NAME_1"), f.GetGeometryRef().Clone()) for f in lyr), key=lambda t: t[0])
    # DIVA-GIS spellings → the English names the rest of Aras (and the news) use.
    renamed = {"Ardebil": "Ardabil", "East Azarbaijan": "East Azerbaijan", "West Azarbaijan": "West Azerbaijan"}
    for name, geom in rows:
        add(geom, {"kind": "province", "iso2": "IR", "name": renamed.get(name, name)})
    with open(os.path.join(out, "admin_areas.geojson"), "w", encoding="utf-8", newline="\n") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, ensure_ascii=False,
                  separators=(",", ":"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    places, by_gn = load_geonames(args.raw)
    country_rows = {}
    load_gn_tagged(args.raw, by_gn, country_rows)
    load_wof(args.raw, places, by_gn)
    add_curated(args.out, places, by_gn, country_rows)
    places.sort(key=lambda p: (p.source.split(":")[0], p.source))
    write_admin_areas(args.raw, args.out)
    tmp = os.path.join(args.out, "places.tsv.gz.tmp")
    # mtime=0 and a fixed file name keep the gzip bytes deterministic.
    with gzip.GzipFile(filename="places.tsv", mode="wb", compresslevel=9, mtime=0,
                       fileobj=open(tmp, "wb")) as raw_out, \
            io.TextIOWrapper(raw_out, encoding="utf-8", newline="\n") as f:
        f.write("# Aras gazetteer: GeoNames cities500 + alternate names (CC BY 4.0), Who's On First AM/AZ/IR "
                "(CC BY 4.0), curated CSVs. Built by tools/gazetteer/build_gazetteer.py\n")
        for p in places:
            f.write(p.line() + "\n")
    os.replace(tmp, os.path.join(args.out, "places.tsv.gz"))
    print("places: %d" % len(places), file=sys.stderr)


if __name__ == "__main__":
    main()
