"""`python -m generator verify` (generator/media/verify.py): a good kit passes, and each damage is named."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.support import kit_files


@pytest.mark.slow
def test_verify_passes_a_good_kit_and_names_what_is_wrong(kit, tmp_path):
    from generator.media.verify import verify_kit
    out, _, _, manifest = kit
    assert verify_kit(out, log=lambda *_: None) == []
    bad = tmp_path / "kit"
    shutil.copytree(out, bad)
    files = {f["role"]: f for f in kit_files(manifest)}
    # A byte flipped in the H.264 file, a manifest that lies about the vertical size, a missing caption file.
    mp4 = bad / files["mp4"]["path"]
    data = bytearray(mp4.read_bytes())
    data[len(data) // 2] ^= 0xFF
    mp4.write_bytes(bytes(data))
    (bad / files["srt"]["path"]).unlink()
    m = json.loads((bad / "manifest.json").read_text("utf-8"))
    for f in m["scenes"][0]["files"]:
        if f["role"] == "mp4-vertical":
            f["width"] += 2
    (bad / "manifest.json").write_text(json.dumps(m), "utf-8")
    problems = verify_kit(bad, log=lambda *_: None)
    assert any(p.startswith(files["mp4"]["path"] + ": SHA-256") for p in problems), problems
    assert any(p.startswith(files["srt"]["path"] + ": missing") for p in problems), problems
    assert any(p.startswith(files["mp4-vertical"]["path"] + ": size") for p in problems), problems
    assert len(problems) == 3, problems
