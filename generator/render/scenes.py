"""Manim for one render: the scene class of a figure id, and Manim's configuration for one frame size.

Each render gets its own Manim media folder (two renders sharing one race on Manim's text cache), the house
background, the frame in units (the short side is 8 units whatever the orientation) and the scene's data slice.
The frames themselves go to the project's encoders (generator/render/video.py), never to Manim's own writer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.render.modules import FigureModuleError, load_module


class SceneRenderError(FigureModuleError):
    """A scene file is missing or does not define the scene class its id calls for."""


def class_name(fig_id: str) -> str:
    """``tower_growth`` -> ``TowerGrowth``: the scene class each figure file must define."""
    return "".join(part.capitalize() for part in fig_id.split("_"))


def load_scene_class(fig_id: str) -> type:
    """Import ``figures.scenes.<fig_id>`` (re-import if already loaded) and return its scene class."""
    try:
        module = load_module("scenes", fig_id)
    except ValueError as exc:
        raise SceneRenderError(str(exc)) from None
    except FigureModuleError:
        raise SceneRenderError(f"no scene file figures/scenes/{fig_id}.py for figure {fig_id!r}") from None
    cls_name = class_name(fig_id)
    cls = getattr(module, cls_name, None)
    if cls is None:
        raise SceneRenderError(f"figures/scenes/{fig_id}.py defines no class {cls_name} (the CamelCase of the id)")
    from figures.style import RaceScene

    if not (isinstance(cls, type) and issubclass(cls, RaceScene)):
        raise SceneRenderError(f"{cls_name} in figures/scenes/{fig_id}.py must derive from figures.style.RaceScene")
    return cls


def frame_size(width: int, height: int) -> tuple[float, float]:
    """Manim's frame (units) for a ``width`` x ``height`` pixel video: the short side is 8 units (Manim's default
    height), so a unit is as many pixels in a vertical video as in a landscape one and the type scale holds."""
    from figures.style import SHORT_SIDE

    if width >= height:
        return SHORT_SIDE * width / height, SHORT_SIDE
    return SHORT_SIDE, SHORT_SIDE * height / width


@contextmanager
def manim_session(
    data: dict[str, Any], media_dir: Path, width: int, height: int, fps: int, **settings: Any
) -> Iterator[Any]:
    """Manim configured for one render, restored afterwards: pixel size, frame (see ``frame_size``), rate, a private
    media folder (Manim's text cache and partial movies), no caching, the house background, and the scene's data
    slice (written to ``media_dir/data.json`` and named by RACE_FIGURE_DATA). ``settings`` override or add
    config keys (``format``, ``background_opacity``, ``video_encoder_options``...)."""
    from manim import config, tempconfig

    from figures.style import BACKGROUND, DATA_ENV

    media_dir = Path(media_dir)
    media_dir.mkdir(parents=True, exist_ok=True)
    data_file = media_dir / "data.json"
    data_file.write_text(json.dumps(data, sort_keys=True), "utf-8")
    base: dict[str, Any] = {
        "pixel_width": width,
        "pixel_height": height,
        "frame_rate": fps,
        "media_dir": str(media_dir),
        "disable_caching": True,
        "preview": False,
        "background_color": BACKGROUND,
        "verbosity": "WARNING",
        "progress_bar": "none",
    }
    base.update(settings)
    old_env = os.environ.get(DATA_ENV)
    os.environ[DATA_ENV] = str(data_file)
    try:
        with tempconfig(base):
            frame_w, frame_h = frame_size(width, height)
            config.frame_height = frame_h
            config.frame_width = frame_w
            yield config
    finally:
        if old_env is None:
            os.environ.pop(DATA_ENV, None)
        else:
            os.environ[DATA_ENV] = old_env
