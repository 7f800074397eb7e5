"""Check a built media kit against its manifest: every file is there, has the bytes and SHA-256 the manifest says,
and is what the manifest says it is, probed with PyAV (videos: decoded to the last frame; codec, profile, size,
frame rate, frame count, duration, alpha, BT.709 tags, index before data), Pillow (posters, the looping WebP) or
a cue parser (captions).

``python -m generator verify [--out media]`` (also ``python -m generator media --verify``) prints one line per
file and exits 1 when anything is wrong. Decoding every frame of a 2160p60 file takes a while: that is the point.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

from generator.render.probe import SRT_TIMING, VTT_TIMING, parse_cues, top_level_boxes, webp_loop_count
from generator.util.fs import sha256_file
from generator.util.project import ROOT


def _layout(pix_fmt: str) -> str:
    """A pixel format without its bit depth: yuva444p10le -> yuva444p."""
    return re.sub(r"\d+(le|be)$", "", pix_fmt)


def _close(a: float | Fraction, b: float, tol: float) -> bool:
    return abs(a - b) <= tol


def _video(path: Path, f: dict[str, Any]) -> list[str]:
    import av

    bad: list[str] = []
    with av.open(str(path)) as c:
        if not c.streams.video:
            return ["no video stream"]
        s = c.streams.video[0]
        cc = s.codec_context
        if cc.name != f["codec"]:
            bad.append(f"codec {cc.name}, manifest says {f['codec']}")
        if f.get("profile") and cc.profile != f["profile"]:
            bad.append(f"profile {cc.profile}, manifest says {f['profile']}")
        if (cc.width, cc.height) != (f["width"], f["height"]):
            bad.append(f"size {cc.width}x{cc.height}, manifest says {f['width']}x{f['height']}")
        if cc.width % 2 or cc.height % 2:
            bad.append(f"odd dimensions {cc.width}x{cc.height}")
        rate = Fraction(s.average_rate) if s.average_rate else None
        if rate is None or rate != Fraction(f["fps"]).limit_denominator(1001):
            bad.append(f"frame rate {rate}, manifest says {f['fps']}")
        assert cc.pix_fmt is not None, f"{path}: the decoder reports no pixel format"
        has_alpha = "yuva" in cc.pix_fmt or cc.pix_fmt.startswith(("rgba", "argb", "bgra"))
        if has_alpha != bool(f["alpha"]):
            bad.append(
                f"pixel format {cc.pix_fmt} {'has' if has_alpha else 'has no'} alpha; manifest says alpha={f['alpha']}"
            )
        # FFmpeg's ProRes decoder hands out 4444 frames as 12-bit whatever the encoder's 10; compare the layout only.
        if f.get("pix_fmt") and _layout(cc.pix_fmt) != _layout(f["pix_fmt"]):
            bad.append(f"pixel format {cc.pix_fmt}, manifest says {f['pix_fmt']}")
        if "BT.709 (primaries" in (f.get("colour") or "") and (cc.color_primaries, cc.color_trc, cc.colorspace) != (
            1,
            1,
            1,
        ):
            bad.append(f"colour tags {(cc.color_primaries, cc.color_trc, cc.colorspace)}, expected BT.709 (1, 1, 1)")
        frames = 0
        last = None
        try:
            for frame in c.decode(s):
                frames += 1
                last = frame
        except av.error.FFmpegError as e:  # a truncated or corrupt stream
            bad.append(f"decoding stopped after {frames} frames: {e}")
    want = (f.get("details") or {}).get("frames")
    if want is not None and frames != want:
        bad.append(f"{frames} frames decoded, manifest says {want}")
    if rate and f.get("duration") and not _close(frames / rate, f["duration"], 1.5 / float(rate)):
        bad.append(f"{frames} frames at {rate} fps = {float(frames / rate):.3f} s, manifest says {f['duration']} s")
    if f["alpha"] and last is not None:
        alpha = last.to_ndarray(format="rgba")[..., 3]
        if not (alpha.min() == 0 and alpha.max() == 255):
            bad.append(f"alpha of the last frame spans {alpha.min()}..{alpha.max()}, expected 0..255")
    if path.suffix == ".mp4":
        boxes = top_level_boxes(path)
        if "moov" not in boxes or "mdat" not in boxes or boxes.index("moov") > boxes.index("mdat"):
            bad.append(f"not fast start: top-level boxes {boxes}")
    return bad


def _image(path: Path, f: dict[str, Any]) -> list[str]:
    from PIL import Image

    bad: list[str] = []
    with Image.open(path) as im:
        im.load()
        if im.size != (f["width"], f["height"]):
            bad.append(f"size {im.size[0]}x{im.size[1]}, manifest says {f['width']}x{f['height']}")
        fmt = {"png": "PNG", "webp": "WEBP"}.get(f["codec"], f["codec"].upper())
        if im.format != fmt:
            bad.append(f"format {im.format}, manifest says {fmt}")
        if f["kind"] == "animation":
            n = getattr(im, "n_frames", 1)
            want = (f.get("details") or {}).get("frames")
            if not getattr(im, "is_animated", False) or (want is not None and n != want):
                bad.append(f"{n} frames, manifest says {want} (animated)")
            ms = 0
            for i in range(n):
                im.seek(i)
                im.load()
                ms += im.info.get("duration", 0)
            if f.get("duration") and not _close(ms / 1000, f["duration"], 0.01):
                bad.append(f"frames last {ms / 1000:.3f} s, manifest says {f['duration']} s")
            loop = webp_loop_count(path) if fmt == "WEBP" else None
            want_loop = (f.get("details") or {}).get("loop")
            if want_loop is not None and loop != want_loop:
                bad.append(f"loop count {loop}, manifest says {want_loop}")
            cap = (f.get("details") or {}).get("cap_bytes")
            if cap and f["bytes"] > cap:
                bad.append(f"{f['bytes']:,} bytes, over the cap of {cap:,}")
    return bad


def _captions(path: Path, f: dict[str, Any]) -> list[str]:
    text = path.read_text("utf-8")
    vtt = f["codec"] == "webvtt"
    if vtt and not text.startswith("WEBVTT"):
        return ["no WEBVTT header"]
    cues = parse_cues(text, VTT_TIMING if vtt else SRT_TIMING)
    bad = []
    want = (f.get("details") or {}).get("cues")
    if want is not None and len(cues) != want:
        bad.append(f"{len(cues)} cues, manifest says {want}")
    if any(e <= s for s, e, _ in cues) or any(b[0] < a[1] - 1e-6 for a, b in zip(cues, cues[1:])):
        bad.append("cues out of order or empty")
    if cues and f.get("duration") and cues[-1][1] > f["duration"] + 1e-3:
        bad.append(f"last cue ends at {cues[-1][1]} s, after the video ({f['duration']} s)")
    return bad


_CHAPTER_LINE = re.compile(r"^(\d+):(\d{2})(?::(\d{2}))? \S.*$")


def _chapter_list(path: Path, f: dict[str, Any]) -> list[str]:
    """A "0:00 Title" chapter list: one line per chapter, the first at 0:00, times rising."""
    lines = path.read_text("utf-8").splitlines()
    bad = [f"line {i}: not 'M:SS Title': {ln!r}" for i, ln in enumerate(lines, 1) if not _CHAPTER_LINE.match(ln)]
    if bad:
        return bad
    times = []
    for ln in lines:
        m = _CHAPTER_LINE.match(ln)
        assert m is not None  # checked above
        a, b, c = m.groups()
        times.append(int(a) * 3600 + int(b) * 60 + int(c) if c else int(a) * 60 + int(b))
    want = (f.get("details") or {}).get("cues")
    if want is not None and len(lines) != want:
        bad.append(f"{len(lines)} chapters, manifest says {want}")
    if not times or times[0] != 0 or times != sorted(times):
        bad.append(f"chapter times {times}: expected rising from 0:00")
    return bad


def verify_file(out: Path, f: dict[str, Any]) -> list[str]:
    """What is wrong with one manifest entry's file (empty when nothing is)."""
    path = out / f["path"]
    if not path.is_file():
        return ["missing"]
    size = path.stat().st_size
    if size != f["bytes"]:
        return [f"{size:,} bytes, manifest says {f['bytes']:,}"]
    if sha256_file(path) != f["sha256"]:
        return ["SHA-256 differs from the manifest"]
    try:
        if f["kind"] == "video":
            return _video(path, f)
        if f["kind"] in ("image", "animation"):
            return _image(path, f)
        if f["kind"] == "captions":
            return _captions(path, f)
        if f["kind"] == "text" and f["role"] == "chapters-txt":
            return _chapter_list(path, f)
    except Exception as e:  # noqa: BLE001 - a file that cannot be opened at all is a finding, not a crash
        return [f"cannot be read: {type(e).__name__}: {e}"]
    return [f"unknown kind {f['kind']!r}"]


def verify_kit(out: Path, log=print) -> list[str]:
    """Check every file of ``out/manifest.json``; returns the problems as 'path: what' lines."""
    manifest_path = out / "manifest.json"
    if not manifest_path.is_file():
        return [f"{manifest_path}: no manifest (run `make media` first)"]
    manifest = json.loads(manifest_path.read_text("utf-8"))
    problems: list[str] = []
    files = [f for scene in manifest["scenes"] for f in scene["files"]]
    for f in files:
        t0 = time.perf_counter()
        bad = verify_file(out, f)
        problems += [f"{f['path']}: {b}" for b in bad]
        res = f.get("resolution") or ""
        log(
            f"{'ok  ' if not bad else 'FAIL'} {f['path']:62s} {res:>10s} {f['bytes'] / 1e6:9.2f} MB "
            f"{time.perf_counter() - t0:6.1f}s" + ("".join(f"\n     {b}" for b in bad))
        )
    if not problems:
        log(f"\nall {len(files)} files of {manifest_path} are what the manifest says")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator verify", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "media", help="the media kit folder (default: media/)")
    args = parser.parse_args(argv)
    problems = verify_kit(args.out)
    if problems:
        print(f"\n{len(problems)} problem(s) in {args.out}:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
