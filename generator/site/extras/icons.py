"""The site's own icon and web app manifest, drawn by the build (no theme's stock icon, nothing downloaded):
``assets/images/favicon.svg`` (three bars rising, in the palette's blue: figures/palette.py) and ``site.webmanifest``
(the site's name, description and that icon). mkdocs.yml names the icon (theme.favicon); overrides/main.html and
talk mode link both."""

from __future__ import annotations

import json
from typing import Any

from figures.palette import THEME_VARS
from generator.escape import xml

FAVICON = "assets/images/favicon.svg"
MANIFEST = "site.webmanifest"


def favicon_svg(title: str) -> str:
    """A 32 x 32 icon: the chart token blue (light theme) as a rounded tile, three bars of the paper colour rising
    left to right (a race to scale), readable at 16 px."""
    blue, paper = THEME_VARS["--rs-blue"]["light"], THEME_VARS["--rs-paper"]["light"]
    bars = "".join(
        f'<rect x="{x}" y="{26 - h}" width="6" height="{h}" rx="1" fill="{paper}"/>'
        for x, h in ((6, 7), (13, 13), (20, 20))
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32">'
        f"<title>{xml(title)}</title>"
        f'<rect width="32" height="32" rx="7" fill="{blue}"/>{bars}</svg>\n'
    )


def web_manifest(meta: dict[str, Any]) -> str:
    """The web app manifest: name and description from catalog.yaml meta, the icon, the palette's colours."""
    doc = {
        "name": str(meta["title"]),
        "short_name": str(meta["title"]),
        "description": str(meta["description"]),
        "start_url": "./",
        "scope": "./",
        "display": "browser",
        "background_color": THEME_VARS["--rs-paper"]["light"],
        "theme_color": THEME_VARS["--rs-blue"]["light"],
        "icons": [{"src": FAVICON, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def icon_files(meta: dict[str, Any]) -> dict[str, bytes]:
    """{site path: bytes} of the icon and the manifest, for the staging tree."""
    return {FAVICON: favicon_svg(str(meta["title"])).encode("utf-8"), MANIFEST: web_manifest(meta).encode("utf-8")}
