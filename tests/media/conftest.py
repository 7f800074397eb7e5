"""The media kit built once per session (one scene at the test quality, ProRes included) for the kit's tests."""

from __future__ import annotations

import json

import pytest

from tests.support import ROOT, SCENE_IDS

SCENE = "the_wall" if "the_wall" in SCENE_IDS else SCENE_IDS[0]


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    from generator.media.kit import build_media
    base = tmp_path_factory.mktemp("media-kit")
    out, cache = base / "media", base / "cache"
    report = build_media(ROOT, out, "test", jobs=2, only=[SCENE], cache_dir=cache, prores=True)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    return out, cache, report, manifest
