"""What a scene render makes, per quality and orientation: frame size, rate, encoder settings, extra files.

One render of a scene per orientation feeds every file of that orientation (see generator/render/video.py). The
site and the media kit share the landscape render: ``make site`` renders ``site_spec(quality)``, and ``make media``
finds that same render (same spec, same cache key) in the cache and renders only what the site has no use for
(the vertical video, the 4K video, and on request ProRes with alpha).

Pure data: importing this module imports no encoder, so the build can compute keys without loading Manim or PyAV.
"""

from __future__ import annotations

from dataclasses import dataclass

#: x264 settings. The colour tags match what the encoder does: RGB -> YUV with the BT.709 matrix, limited range.
#: Thread counts are fixed so the bytes do not depend on the machine.
BT709 = "colorprim=bt709:transfer=bt709:colormatrix=bt709"
X264_PUBLISH = {
    "crf": "18",
    "preset": "medium",
    "tune": "animation",
    "profile": "high",
    "threads": "2",
    "x264-params": BT709,
}
X264_DRAFT = {
    "crf": "23",
    "preset": "veryfast",
    "tune": "animation",
    "profile": "high",
    "threads": "2",
    "x264-params": BT709,
}
PRORES = {"profile": "4444", "vendor": "apl0", "alpha_bits": "8"}  # 8-bit alpha: Manim's alpha is 8-bit
PRORES_QUANT = 1
DEFAULT_WEBP_CAP = 4_000_000
POSTER_FROM_END = 1.0  # seconds before the end: the final composition, after every element has arrived
WEB_POSTER_WIDTH = 1280  # the page's poster (WebP); the PNG poster keeps the render's size

#: Qualities of a render. The site uses "draft" and "publish"; the media kit also "4k" and "test" (tests only).
QUALITY_NAMES = ("publish", "4k", "draft", "test")
SITE_QUALITIES = ("draft", "publish")


@dataclass(frozen=True)
class WebpSpec:
    """The looping animated WebP: the whole scene ``speed`` times faster, ``width`` px wide at ``fps``. If the
    file comes out over ``cap_bytes`` it is encoded again at lower quality, then fewer frames, then smaller."""

    width: int
    fps: int
    speed: float
    quality: int
    cap_bytes: int = DEFAULT_WEBP_CAP


@dataclass(frozen=True)
class RenderSpec:
    """One Manim render of a scene and every file encoded from its frames."""

    variant: str  # landscape | vertical | uhd | alpha
    width: int
    height: int
    fps: int
    x264: dict[str, str] | None  # None: no H.264 (the alpha render feeds ProRes only)
    prores_fps: int | None = None  # ProRes 4444 with alpha at this rate (a divisor of fps); None: none
    webp: WebpSpec | None = None
    poster: bool = True
    captions: bool = False
    web_poster: bool = False  # also a WebP poster for the page (the site's render)
    max_seconds: float | None = None  # stop the scene after this long (tests)

    @property
    def label(self) -> str:
        return f"{self.variant}-{self.width}x{self.height}-{self.fps}"

    @property
    def transparent(self) -> bool:
        """Rendered over a transparent background (only ProRes keeps the alpha channel)."""
        return self.prores_fps is not None


def _landscape(quality: str, cap: int) -> RenderSpec:
    if quality in ("publish", "4k"):
        return RenderSpec(
            "landscape",
            1920,
            1080,
            60,
            X264_PUBLISH,
            webp=WebpSpec(640, 12, 2.0, 70, cap),
            captions=True,
            web_poster=True,
        )
    if quality == "draft":
        return RenderSpec(
            "landscape", 854, 480, 15, X264_DRAFT, webp=WebpSpec(480, 10, 2.0, 70, cap), captions=True, web_poster=True
        )
    if quality == "test":  # tests only: small, few frames, the first seconds of the scene
        return RenderSpec(
            "landscape",
            640,
            360,
            10,
            X264_DRAFT,
            webp=WebpSpec(320, 5, 2.0, 70, cap),
            captions=True,
            web_poster=True,
            max_seconds=6.0,
        )
    raise ValueError(f"unknown quality {quality!r}; expected one of {', '.join(QUALITY_NAMES)}")


def site_spec(quality: str, cap: int = DEFAULT_WEBP_CAP) -> RenderSpec:
    """The render the site publishes for a scene at ``quality``: the media kit's landscape render."""
    return _landscape(quality, cap)


def kit_specs(quality: str, cap: int = DEFAULT_WEBP_CAP, prores: bool = False) -> list[RenderSpec]:
    """Every render of one scene for the media kit at ``quality``: landscape (shared with the site), vertical,
    4K with ``quality="4k"``, and with ``prores`` a render over a transparent background for ProRes 4444."""
    land = _landscape(quality, cap)
    out = [land, RenderSpec("vertical", land.height, land.width, land.fps, land.x264, max_seconds=land.max_seconds)]
    if quality == "4k":
        out.append(RenderSpec("uhd", 3840, 2160, 60, X264_PUBLISH, poster=False))
    if prores:
        rate = {"publish": 30, "4k": 30, "draft": 15, "test": 5}[quality]
        out.append(
            RenderSpec(
                "alpha",
                land.width,
                land.height,
                rate,
                None,
                prores_fps=rate,
                poster=False,
                max_seconds=land.max_seconds,
            )
        )
    return out


def file_names(fig_id: str, spec: RenderSpec) -> dict[str, str]:
    """role -> file name of everything one render writes."""
    w, h, fps = spec.width, spec.height, spec.fps
    names: dict[str, str] = {}
    if spec.variant == "landscape":
        names["mp4"] = f"{fig_id}-{h}p{fps}.mp4"
        if spec.webp:
            names["webp"] = f"{fig_id}-loop.webp"
        if spec.poster:
            names["poster"] = f"{fig_id}-poster.png"
        if spec.captions:
            names["vtt"] = f"{fig_id}.en.vtt"
            names["srt"] = f"{fig_id}.en.srt"
            names["chapters"] = f"{fig_id}.chapters.vtt"
            names["chapters-txt"] = f"{fig_id}.chapters.txt"
    elif spec.variant == "vertical":
        names["mp4-vertical"] = f"{fig_id}-vertical-{w}x{h}-{fps}fps.mp4"
        if spec.poster:
            names["poster-vertical"] = f"{fig_id}-vertical-poster.png"
    elif spec.variant == "uhd":
        names["mp4-uhd"] = f"{fig_id}-{h}p{fps}.mp4"
    elif spec.variant != "alpha":
        raise ValueError(f"unknown variant {spec.variant!r}")
    if spec.prores_fps:
        names["prores"] = f"{fig_id}-alpha-prores4444-{h}p{spec.prores_fps}.mov"
    if spec.web_poster:
        names["poster-web"] = f"{fig_id}-poster.webp"
    return names


def main_role(spec: RenderSpec) -> str | None:
    """The role of the render's H.264 video (None for the ProRes-only render)."""
    if spec.x264 is None:
        return None
    return {"landscape": "mp4", "vertical": "mp4-vertical", "uhd": "mp4-uhd"}[spec.variant]
