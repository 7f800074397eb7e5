"""Talk mode: ``site/talk/index.html``, every scene full screen, step by step, for a speaker.

A standalone page (not a MkDocs page: no theme, no search, nothing but the scenes) that the build writes into the
staging tree; MkDocs copies it as it is. It uses the site's own renders (figures/<id>.mp4 and posters) and two
classic scripts (assets/js/steps.js, assets/js/talk.js), so it works offline from the built folder, even opened
as a file: URL (where browsers refuse ES modules and cross-origin caption tracks: the steps travel in the page). A
window taller than wide (a phone held upright) plays the portrait renders (steps.js swaps them as it turns).
Keys: → plays the next step and holds its last frame, ← goes back one step (its last frame), T shows or hides the
step text, F full screen, Home the first step of the scene.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.site.article.player import scene_steps, templates_env

_ENV = templates_env(Path(__file__).resolve().parent / "templates")


def talk_page(site_title: str, scenes: list[dict[str, Any]], url: str = "", card: str = "") -> str:
    """The talk page for ``scenes``: [{id, title, alt, meta (the render's page metadata)}], in article order.
    ``url``: the site's address (the page's canonical link and Open Graph address are ``url``talk/); ``card``: the
    site path of the social card it shares (the article's)."""
    items = [
        {
            "id": s["id"],
            "title": s["title"],
            "alt": s["alt"],
            "width": s["meta"].get("width", 1920),
            "height": s["meta"].get("height", 1080),
            "portrait": s["meta"].get("portrait"),
            "steps": scene_steps(s["meta"]),
        }
        for s in scenes
    ]
    description = (
        f"The {len(items)} animations of {site_title}, full screen and one step at a time, with the words for each "
        "step: for a talk or a lesson."
    )
    return _ENV.get_template("talk.html").render(
        site_title=site_title, scenes=items, description=description, url=url, card=card
    )
