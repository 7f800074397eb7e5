"""Table figures: ``figures/tables/<id>.py`` defines ``render(data) -> str``, an accessible HTML ``<table>``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.render.modules import FigureModuleError, accepts_keyword, check_id, load_attr
from generator.render.reads import guarded
from generator.util.fs import atomic_write


def render_table(fig_id: str, data: Mapping[str, Any], out_dir: Path, title: str | None = None) -> Path:
    """Render table ``fig_id`` (``figures/tables/<id>.py``, ``render(data) -> str``) to ``<out_dir>/<id>.html``.

    ``title`` (the catalog title), if given and if ``render`` accepts a ``title`` keyword, becomes the caption.
    """
    check_id(fig_id)
    render = load_attr("tables", fig_id, "render")
    data = guarded(data)  # a field read but not declared in reads: is an UndeclaredRead (generator/render/reads.py)
    html = render(data, title=title) if title and accepts_keyword(render, "title") else render(data)
    if not isinstance(html, str) or "<table" not in html:
        raise FigureModuleError(f"figures/tables/{fig_id}.py: render() must return an HTML <table> string")
    if not html.endswith("\n"):
        html += "\n"
    path = Path(out_dir) / f"{fig_id}.html"
    atomic_write(path, html)
    return path
