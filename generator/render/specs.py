"""What a scene render makes, per quality and orientation: frame size, rate, encoder settings, extra files.

One draw of a scene per orientation feeds every file of that orientation (see generator/render/video.py). The site
and the media kit share both: ``make site`` renders ``site_specs(quality)`` (landscape and portrait), and ``make
media`` finds those same renders (same specs, same cache keys) in the cache, so a clean site and kit draw each scene
twice; only the opt-in 4K video and ProRes with alpha draw again. The portrait draw also encodes the kit's 9:16
social video (the portrait frame with the captions burned in under it, generator/render/vertical.py) as it goes.

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
class VerticalSpec:
    """The 9:16 social video composed from the portrait draw while it encodes: a ``width`` x ``height`` canvas
    with the portrait frame (same width) ``top`` px from the top and the step's caption burned in under it."""

    width: int
    height: int
    top: int


@dataclass(frozen=True)
class RenderSpec:
    """One Manim render of a scene and every file encoded from its frames."""

    variant: str  # landscape | portrait | uhd | alpha
    width: int
    height: int
    fps: int
    x264: dict[str, str] | None  # None: no H.264 (the alpha render feeds ProRes only)
    prores_fps: int | None = None  # ProRes 4444 with alpha at this rate (a divisor of fps); None: none
    webp: WebpSpec | None = None
    poster: bool = True
    captions: bool = False
    web_poster: bool = False  # also a WebP poster for the page (the site's renders)
    vertical: VerticalSpec | None = None  # the portrait draw's 9:16 social video (captions burned in)
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
        webp, fps, x264 = WebpSpec(640, 12, 2.0, 70, cap), 60, X264_PUBLISH
        return RenderSpec("landscape", 1920, 1080, fps, x264, webp=webp, captions=True, web_poster=True)
    if quality == "draft":
        webp = WebpSpec(480, 10, 2.0, 70, cap)
        return RenderSpec("landscape", 854, 480, 15, X264_DRAFT, webp=webp, captions=True, web_poster=True)
    if quality == "test":  # tests only: small, few frames, the first seconds of the scene
        webp = WebpSpec(320, 5, 2.0, 70, cap)
        return RenderSpec(
            "landscape", 640, 360, 10, X264_DRAFT, webp=webp, captions=True, web_poster=True, max_seconds=6.0
        )
    raise ValueError(f"unknown quality {quality!r}; expected one of {', '.join(QUALITY_NAMES)}")


def spec_from_dict(d: dict) -> RenderSpec:
    """A RenderSpec from its ``dataclasses.asdict`` form (a render job's JSON)."""
    d = dict(d)
    if d.get("webp"):
        d["webp"] = WebpSpec(**d["webp"])
    if d.get("vertical"):
        d["vertical"] = VerticalSpec(**d["vertical"])
    return RenderSpec(**d)


#: Portrait frame width per quality (the height is 5/4 of it: 4:5, what fits above the step text and the player's
#: buttons on a 390 x 844 phone). The 9:16 social video is as wide, its canvas 16/9 of the width.
PORTRAIT_WIDTH = {"publish": 1080, "4k": 1080, "draft": 432, "test": 288}


def _portrait(quality: str) -> RenderSpec:
    land = _landscape(quality, DEFAULT_WEBP_CAP)
    w = PORTRAIT_WIDTH[quality]
    # The portrait frame sits a little below the top of the 9:16 canvas (phone apps draw over the top edge too);
    # the caption goes under it, clear of the apps' controls at the bottom.
    vertical = VerticalSpec(w, w * 16 // 9 // 2 * 2, top=w * 5 // 54 // 2 * 2)
    return RenderSpec(
        "portrait", w, w * 5 // 4, land.fps, land.x264, web_poster=True, vertical=vertical, max_seconds=land.max_seconds
    )


def site_spec(quality: str, cap: int = DEFAULT_WEBP_CAP) -> RenderSpec:
    """The landscape render the site publishes for a scene at ``quality`` (the media kit's landscape render)."""
    return _landscape(quality, cap)


def site_specs(quality: str, cap: int = DEFAULT_WEBP_CAP) -> list[RenderSpec]:
    """Both renders the site publishes for a scene at ``quality``: landscape (wide screens) and portrait (phones)."""
    return [_landscape(quality, cap), _portrait(quality)]


def kit_specs(quality: str, cap: int = DEFAULT_WEBP_CAP, prores: bool = False) -> list[RenderSpec]:
    """Every render of one scene for the media kit at ``quality``: the site's two (landscape; portrait, which also
    makes the 9:16 social video), 4K with ``quality="4k"``, and with ``prores`` a render over a transparent
    background for ProRes 4444."""
    land = _landscape(quality, cap)
    out = site_specs(quality, cap)
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
        if spec.web_poster:
            names["poster-web"] = f"{fig_id}-poster.webp"
    elif spec.variant == "portrait":
        names["mp4-portrait"] = f"{fig_id}-portrait-{w}x{h}-{fps}fps.mp4"
        if spec.poster:
            names["poster-portrait"] = f"{fig_id}-portrait-poster.png"
        if spec.web_poster:
            names["poster-portrait-web"] = f"{fig_id}-portrait-poster.webp"
        if spec.vertical:
            v = spec.vertical
            names["mp4-vertical"] = f"{fig_id}-vertical-{v.width}x{v.height}-{fps}fps.mp4"
            if spec.poster:
                names["poster-vertical"] = f"{fig_id}-vertical-poster.png"
    elif spec.variant == "uhd":
        names["mp4-uhd"] = f"{fig_id}-{h}p{fps}.mp4"
    elif spec.variant != "alpha":
        raise ValueError(f"unknown variant {spec.variant!r}")
    if spec.prores_fps:
        names["prores"] = f"{fig_id}-alpha-prores4444-{h}p{spec.prores_fps}.mov"
    return names


#: The role of each variant's poster (PNG; its page WebP is the role + "-web" where the spec asks for one).
POSTER_ROLES = {"landscape": "poster", "portrait": "poster-portrait"}


def main_role(spec: RenderSpec) -> str | None:
    """The role of the render's H.264 video (None for the ProRes-only render)."""
    if spec.x264 is None:
        return None
    return {"landscape": "mp4", "portrait": "mp4-portrait", "uhd": "mp4-uhd"}[spec.variant]
