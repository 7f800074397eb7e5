"""A scene on a page, as a step player: the markup (template partial ``templates/scene_player.html``) around the
native ``<video>`` that docs/assets/js/widgets/player.js drives.

Each caption cue of a scene is a step: the page lists the steps as HTML (with a fragment link each,
``#fig-<id>-step-<n>``), the video carries a captions track and a chapters track (one chapter per step), and the
player adds step buttons, Previous/Next step and Play/Pause. Any page that shows a scene calls ``scene_player``
(the article through pages.py's ``figure()``; per-figure pages can reuse it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from figures.legibility import PORTRAIT_MEDIA
from generator.escape import Html, template_env
from generator.render.captions import clock


def templates_env(folder: Path) -> jinja2.Environment:
    """The environment of the generator's own HTML templates in ``folder``: every value through escape.html
    (generator/escape.py: template_env), StrictUndefined."""
    return template_env(jinja2.FileSystemLoader(str(folder)), trim_blocks=True, lstrip_blocks=True)


_ENV = templates_env(Path(__file__).resolve().parent / "templates")


def scene_steps(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The steps of a scene from its render's page metadata: start and end (the chapter), title, caption text.

    Most captions begin with their step's title ("GQA, what Llama 3.1 70B really uses: ..."); for those, ``head`` is
    that opening of the text (set in bold) and ``rest`` the remainder, so the title is not said twice. Otherwise
    ``head`` is empty and the title is shown before the text."""
    cues = meta.get("cues") or []
    chapters = meta.get("chapters") or [{"start": c["start"], "end": c["end"]} for c in cues]
    steps = []
    for cue, ch in zip(cues, chapters, strict=True):
        text = cue["text"]
        title = cue.get("title") or cue["text"]
        leads = text.casefold().startswith(title.casefold())
        steps.append(
            {
                "start": ch["start"],
                "end": ch["end"],
                "clock": clock(ch["start"]),
                "title": title,
                "text": text,
                "head": text[: len(title)] if leads else "",
                "rest": text[len(title) :] if leads else text,
            }
        )
    return steps


def scene_player(
    fig_id: str,
    meta: dict[str, Any],
    src: str,
    title: str,
    alt: str,
    poster_attr: str = "poster",
    link: Html | None = None,
    storyboard: Html | None = None,
    placement: str = "outset",
    caption: str = "",
) -> Html:
    """The figure of one scene: video (``src``.mp4, .vtt, .chapters.vtt, .poster.webp, and when ``meta`` has a
    ``portrait`` render ``src``.portrait.mp4 and .portrait.poster.webp for narrow screens), caption, step list; ``link``
    (the figure page's link, Html) ends the caption (the figure's first child) and ``storyboard`` (the print stills,
    Html) ends the figure. ``placement``: how wide it sits in the page (context.FIGURE_WIDTHS); ``caption`` (the
    catalog's figure caption, text) sits under the step list."""
    return Html(
        _ENV.get_template("scene_player.html").render(
            id=fig_id,
            src=src,
            title=title,
            alt=alt,
            width=meta.get("width", 1920),
            height=meta.get("height", 1080),
            portrait=meta.get("portrait"),
            portrait_media=PORTRAIT_MEDIA,
            poster_attr=Html(poster_attr),
            steps=scene_steps(meta),
            link=link or Html(""),
            storyboard=storyboard or Html(""),
            placement=placement,
            caption=caption,
        )
    )
