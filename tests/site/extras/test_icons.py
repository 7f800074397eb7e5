"""generator/site/extras/icons.py: the site's own icon and web app manifest."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from figures.palette import THEME_VARS
from generator.site.extras.icons import FAVICON, MANIFEST, favicon_svg, icon_files, web_manifest


def test_the_icon_is_drawn_in_the_palette_and_names_the_site():
    svg = favicon_svg('A <"title"> & more')
    root = ET.fromstring(svg)  # well-formed: the title is escaped
    assert root.find("{http://www.w3.org/2000/svg}title").text == 'A <"title"> & more'
    fills = {e.get("fill") for e in root.iter() if e.get("fill")}
    assert fills == {THEME_VARS["--rs-blue"]["light"], THEME_VARS["--rs-paper"]["light"]}


def test_the_manifest_names_the_site_and_its_icon():
    meta = {"title": "T", "description": "D"}
    doc = json.loads(web_manifest(meta))
    assert (doc["name"], doc["description"], doc["start_url"]) == ("T", "D", "./")
    assert doc["icons"] == [{"src": FAVICON, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}]
    assert set(icon_files(meta)) == {FAVICON, MANIFEST}
