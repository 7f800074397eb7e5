"""The one typeface of the article, its charts and its scenes: Inter (SIL Open Font License 1.1), shipped as the two
OTF files in figures/fonts/ with their licence.

- The page and the charts inlined in it load it as self-hosted WOFF2 subsets of these very files
  (generator/site/assembly/fonts.py writes them at build time; docs/assets/css/fonts.css declares them once, as
  the text's "Inter" and the charts' "Inter Chart", for the article's stylesheet and the figures' embed views).
- matplotlib measures, places and names chart text with these files (figures/chart_style.py), so a label placed
  without overlap in the build is shown in the same glyphs in the reader's browser.
- Pango draws the scenes with them (figures/style.py), and the social cards use them (generator/render/raster.py).

Imports nothing heavy: the site build reads it without matplotlib or Manim.
"""

from __future__ import annotations

from pathlib import Path

FAMILY = "Inter"
FONT_DIR = Path(__file__).resolve().parent / "fonts"
#: CSS font-weight -> the shipped file (Regular for text, SemiBold for titles and emphasis).
FILES = {400: "Inter-Regular.otf", 600: "Inter-SemiBold.otf"}
LICENCE = FONT_DIR / "OFL.txt"


def font_path(weight: int = 400) -> Path:
    """The shipped file of ``weight`` (400 or 600)."""
    if weight not in FILES:
        raise ValueError(f"Inter is shipped in weights {sorted(FILES)}, not {weight}")
    return FONT_DIR / FILES[weight]
