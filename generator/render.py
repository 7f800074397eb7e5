"""Render one figure in a fresh process:
``python -m generator.render KIND ID DATA_JSON OUT_DIR QUALITY WORK_DIR [TITLE [ALT]]``.

Each figure renders in its own process (and each scene in its own Manim media folder), so parallel renders never
share interpreter state, matplotlib figures or Manim's text cache, and a crash is contained to one figure.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path


def web_poster(png: Path, webp: Path, width: int = 1280) -> None:
    """A light poster for the page: WebP at most ``width`` wide (the PNG stays for reuse). Deterministic bytes."""
    from PIL import Image

    with Image.open(png) as im:
        im = im.convert("RGB")
        if im.width > width:
            im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
        im.save(webp, "WEBP", quality=82, method=6, exif=b"")


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    kind, fig_id, data_json, out_dir, quality, work_dir = argv[:6]
    title = argv[6] if len(argv) > 6 else None
    alt = argv[7] if len(argv) > 7 else None
    data = json.loads(Path(data_json).read_text("utf-8"))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if kind == "chart":
        from .charts import render_chart
        render_chart(fig_id, data, out, title=title, desc=alt)
    elif kind == "table":
        from .charts import render_table
        render_table(fig_id, data, out, title=title)
    elif kind == "scene":
        from .scenes import render_scene
        render_scene(fig_id, data, quality, out, Path(work_dir))
        web_poster(out / f"{fig_id}.poster.png", out / f"{fig_id}.poster.webp")
    else:
        print(f"unknown figure kind {kind!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
