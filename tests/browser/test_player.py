"""The scene player (docs/assets/js/widgets/player.js, steps.js; markup generator/site/article/templates/scene_player.html),
the talk page (site/talk/) and a live theme switch, in Chromium against the draft site.

Stepping: Next / → moves currentTime to the next chapter's start, plays that step and pauses at its end; a step
link opens the article at its scene and step; every chapters track has as many cues as the captions track; without
JavaScript the native controls, captions and the step list remain; with reduced motion a scene starts paused at
step 1, on its last frame. The talk page steps through every scene, served and opened as a file. After the system theme turns dark
while the page is open, every link has the dark theme's colour and axe finds nothing. Stepping, step links, talk mode
and the theme switch run on each builder's site (conftest.built_site); the rest depends on our markup alone.
"""

from __future__ import annotations

import io
import time
from urllib.parse import urlparse

import pytest

from tests.support import click_settled

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLACK = 0.3  # seconds: where a stopped step may rest around its end (a frame or two of polling at 15 fps)

_STEPS = """(id) => [...document.querySelectorAll('#fig-' + id + ' ol.rs-steps > li')].map(li => ({
  start: +li.dataset.start, end: +li.dataset.end, title: li.dataset.title,
  text: li.querySelector('.rs-step-text').textContent}))"""
_STATE = """(id) => { const f = document.getElementById('fig-' + id), v = f.querySelector('video');
  const cur = f.querySelector('.rs-step-list [aria-current="step"]');
  return {t: v.currentTime, paused: v.paused, current: cur ? +cur.dataset.step : null,
          live: f.querySelector('[aria-live]').textContent, now: f.querySelector('.rs-step-now').textContent,
          top: f.getBoundingClientRect().top}; }"""


def _open(browser, url, **ctx_args):
    ctx = browser.new_context(viewport=ctx_args.pop("viewport", {"width": 1280, "height": 900}), **ctx_args)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    return ctx, page, errors


def _scene_ids(page) -> list[str]:
    return page.eval_on_selector_all(".rs-player[data-rs-player]", "ps => ps.map(p => p.dataset.rsPlayer)")


def _wait_step_end(page, fig: str, end: float) -> dict:
    page.wait_for_function(f"document.querySelector('#fig-{fig} video').paused && "
                           f"document.querySelector('#fig-{fig} video').currentTime > {end - 1.0}",
                           timeout=60_000)
    return page.evaluate(_STATE, fig)


def test_each_chapters_track_has_as_many_cues_as_the_captions_track(browser, site_url):
    ctx, page, errors = _open(browser, site_url)
    tracks = page.evaluate("""async () => {
      const out = [];
      for (const v of document.querySelectorAll('video.rs-video')) {
        const byKind = {};
        for (const t of v.textTracks) { t.mode = 'hidden'; byKind[t.kind] = t; }
        const els = [...v.querySelectorAll('track')];  // readyState 2: the whole file is parsed
        for (let i = 0; i < 200 && els.some(t => t.readyState !== 2); i++)
          await new Promise(r => setTimeout(r, 50));
        const f = v.closest('figure');
        out.push({id: f.id, captions: byKind.captions.cues.length, chapters: [...byKind.chapters.cues].map(c =>
                  [c.startTime, c.endTime, c.text]),
                  steps: [...f.querySelectorAll('ol.rs-steps > li')].map(li => [+li.dataset.start, +li.dataset.end,
                  li.dataset.title])});
      }
      return out;
    }""")
    assert len(tracks) == 6, tracks
    for t in tracks:
        assert t["captions"] >= 2 and len(t["chapters"]) == t["captions"] == len(t["steps"]), t
        for (cs, ce, title), (ss, se, stitle) in zip(t["chapters"], t["steps"], strict=True):
            assert abs(cs - ss) < 0.002 and abs(ce - se) < 0.002 and title == stitle, t
            assert 0 < len(title) <= 40, t
        assert t["chapters"][0][0] == 0.0
    assert not errors
    ctx.close()


def _at_step_start(s: dict, step: dict, index: int, since: float) -> None:
    """The player jumped to ``step``'s start and plays it: the playhead is at the start, plus at most the time that
    has passed since the key press or click (a loaded machine reads the state later, never the playhead earlier)."""
    late = time.monotonic() - since
    assert step["start"] - 0.05 <= s["t"] <= step["start"] + 0.1 + late and s["current"] == index, (s, step, late)


def test_next_and_arrow_keys_step_and_pause_at_the_step_end(browser, built_site):
    ctx, page, errors = _open(browser, built_site.url)
    fig = _scene_ids(page)[0]
    steps = page.evaluate(_STEPS, fig)
    page.locator(f"#fig-{fig}").scroll_into_view_if_needed()
    # Next: currentTime jumps to the next chapter's start, the step plays, and the video pauses at its end.
    since = time.monotonic()
    click_settled(page, f"#fig-{fig} .rs-step-next")
    s = page.evaluate(_STATE, fig)
    _at_step_start(s, steps[1], 1, since)
    assert steps[1]["text"] in s["live"] and steps[1]["text"] in s["now"], s  # announced: the reader stepped
    for said in (s["now"], s["live"]):  # the title is said once, whether or not the caption begins with it
        assert said.count(steps[1]["title"]) == steps[1]["text"].count(steps[1]["title"]) + (
            not steps[1]["text"].startswith(steps[1]["title"])), (said, steps[1])
    s = _wait_step_end(page, fig, steps[1]["end"])
    assert s["paused"] and abs(s["t"] - steps[1]["end"]) <= SLACK and s["current"] == 1, (s, steps[1])
    page.wait_for_timeout(500)
    assert page.evaluate(_STATE, fig)["t"] == s["t"], "a stopped step holds its last frame"
    # → with focus inside the player: the step after, to its end; ← the one before.
    page.focus(f"#fig-{fig} .rs-step-play")
    since = time.monotonic()
    page.keyboard.press("ArrowRight")
    s = page.evaluate(_STATE, fig)
    _at_step_start(s, steps[2], 2, since)
    s = _wait_step_end(page, fig, steps[2]["end"])
    assert abs(s["t"] - steps[2]["end"]) <= SLACK and s["current"] == 2, (s, steps[2])
    since = time.monotonic()
    page.keyboard.press("ArrowLeft")
    s = page.evaluate(_STATE, fig)
    _at_step_start(s, steps[1], 1, since)
    _wait_step_end(page, fig, steps[1]["end"])
    # Space (focus on the video): Play runs on past the step's end, and free play announces nothing.
    page.evaluate(f"document.querySelector('#fig-{fig} [aria-live]').textContent = ''")
    page.focus(f"#fig-{fig} video")
    page.keyboard.press(" ")
    page.wait_for_function(f"document.querySelector('#fig-{fig} video').currentTime > {steps[2]['start'] + 0.5}",
                           timeout=30_000)
    s = page.evaluate(_STATE, fig)
    assert not s["paused"] and s["current"] == 2 and s["live"] == "", s
    assert page.inner_text(f"#fig-{fig} .rs-step-play") == "Pause"
    page.keyboard.press(" ")
    assert page.evaluate(_STATE, fig)["paused"]
    assert not errors
    ctx.close()


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_a_step_link_opens_the_article_at_that_scene_and_step(browser, built_site, motion):
    site_url = built_site.url
    ctx, page, _ = _open(browser, site_url, reduced_motion=motion)
    fig = _scene_ids(page)[-1]
    steps = page.evaluate(_STEPS, fig)
    ctx.close()
    ctx, page, errors = _open(browser, f"{site_url}#fig-{fig}-step-3", reduced_motion=motion)
    page.wait_for_timeout(300)
    s = page.evaluate(_STATE, fig)
    assert s["current"] == 2 and steps[2]["text"] in s["now"], s
    assert 0 <= s["top"] < 120, f"the scene is at the top of the window: {s}"
    assert page.get_attribute(f"#fig-{fig} .rs-step-permalink", "href") == f"#fig-{fig}-step-3"
    if motion == "reduce":
        assert s["paused"] and abs(s["t"] - steps[2]["start"]) < 0.05, s
    else:  # the step plays, then holds
        s = _wait_step_end(page, fig, steps[2]["end"])
        assert abs(s["t"] - steps[2]["end"]) <= SLACK and s["current"] == 2, s
    assert not errors
    ctx.close()


@pytest.mark.parametrize("fragment", ["#%", "#%E0%A4%A", "#fig-x-step-%zz"])
def test_a_malformed_fragment_starts_every_player(browser, site_url, fragment):
    """A step link whose escapes do not decode is no step link: every player still starts (issue 22, item 11)."""
    ctx, page, errors = _open(browser, site_url + fragment)
    page.wait_for_function("document.querySelectorAll('.rs-player[data-rs-player]').length > 0 && "
                           "[...document.querySelectorAll('.rs-player[data-rs-player]')]"
                           ".every((p) => p.getAttribute('data-rs-state') === 'ready')", timeout=30_000)
    assert len(_scene_ids(page)) >= 2 and not errors, errors
    ctx.close()


def test_reduced_motion_starts_paused_at_step_one(browser, site_url):
    ctx, page, errors = _open(browser, site_url, reduced_motion="reduce")
    for fig in _scene_ids(page):
        page.locator(f"#fig-{fig}").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        # In view, it rests on step 1's last frame (not the poster, which is the scene's final frame), paused.
        page.wait_for_function("f => document.querySelector(`#fig-${f} video`).readyState >= 2", arg=fig,
                               timeout=20_000)
        s = page.evaluate(_STATE, fig)
        end = float(page.get_attribute(f"#fig-{fig} ol.rs-steps > li", "data-end"))
        assert s["paused"] and s["current"] == 0 and s["live"] == "", (fig, s)
        assert 0 < s["t"] < end and end - s["t"] < 0.1, (fig, s, end)
    assert not errors
    ctx.close()


def test_without_javascript_native_controls_captions_and_the_steps(browser, site_url):
    ctx, page, _ = _open(browser, site_url, java_script_enabled=False)
    videos = page.eval_on_selector_all("video.rs-video", """vs => vs.map(v => ({controls: v.controls,
        captions: !!v.querySelector('track[kind=captions][default]'), chapters: !!v.querySelector('track[kind=chapters]'),
        steps: v.closest('figure').querySelectorAll('ol.rs-steps > li a[href^="#fig-"]').length}))""")
    assert len(videos) == 6 and all(v["controls"] and v["captions"] and v["chapters"] and v["steps"] >= 2
                                    for v in videos), videos
    assert page.locator(".rs-player-ui").count() == 0
    ctx.close()


def _colours(png: bytes) -> int:
    from PIL import Image

    return len(Image.open(io.BytesIO(png)).convert("RGB").getcolors(1 << 24))


def test_native_controls_hidden_while_the_player_loads_and_back_if_it_fails(browser, site_url):
    """With scripts on, the native controls are never drawn while the player's scripts are on their way (site.css
    hides them: their shadow trees added some 540 elements to a phone load's style work); a player whose script failed
    has them back at the load event (data-rs-native, overrides/main.html)."""
    shots, held = {}, []
    for mode in ("held", "failed"):
        ctx = browser.new_context(viewport={"width": 390, "height": 844})
        page = ctx.new_page()
        if mode == "held":
            page.route("**/assets/js/steps.js", lambda route: held.append(route))
        else:
            page.route("**/assets/js/steps.js", lambda route: route.abort())
        page.goto(site_url, wait_until="load" if mode == "failed" else "commit")
        video = page.locator("video.rs-video").first
        video.wait_for(state="attached")
        if mode == "held":
            page.wait_for_function("document.readyState === 'interactive'")  # parsed; deferred scripts waiting
        video.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        shots[mode] = _colours(video.screenshot())
        state = page.evaluate("""() => [...document.querySelectorAll('.rs-player')].map(p =>
            [p.hasAttribute('data-rs-state'), p.hasAttribute('data-rs-native'), p.querySelector('video').controls])""")
        assert all(s == [False, mode == "failed", True] for s in state), (mode, state)
        while held:
            held.pop().abort()
        ctx.close()
    # Held: an empty box (no poster yet either: video.js sets it when near). Failed: the controls' bar and icons.
    assert shots["held"] <= 2 and shots["failed"] > 50, shots


# ---------------------------------------------------------------------------------------------------------------
# Talk mode
# ---------------------------------------------------------------------------------------------------------------

_TALK = """() => { const s = [...document.querySelectorAll('.rs-talk-scene')].find(x => !x.hidden);
  const v = s.querySelector('video');
  return {scene: s.id, t: v.currentTime, paused: v.paused, where: document.getElementById('rs-talk-where').textContent,
          text: document.getElementById('rs-talk-text').textContent, hash: location.hash,
          steps: [...s.querySelectorAll('li')].map(li => [+li.dataset.start, +li.dataset.end])}; }"""


@pytest.mark.parametrize("how", ["served", "file"])
def test_talk_page_steps_through_the_scenes(browser, built_site, how):
    site_url = built_site.url
    url = site_url + "talk/" if how == "served" else (built_site.paths.site / "talk" / "index.html").as_uri()
    ctx, page, errors = _open(browser, url, viewport={"width": 1280, "height": 720})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    first = page.evaluate(_TALK)
    assert first["paused"] and "ready" in first["where"], first
    page.keyboard.press("ArrowRight")  # step 1: plays, then holds its last frame
    page.wait_for_function("(() => { const v = [...document.querySelectorAll('.rs-talk-scene')].find(x => !x.hidden)"
                           ".querySelector('video'); return v.paused && v.currentTime > 0.5; })()", timeout=60_000)
    s = page.evaluate(_TALK)
    assert abs(s["t"] - s["steps"][0][1]) <= SLACK and s["hash"] == f"#{first['scene']}/1", s
    assert "step 1/" in s["where"] and s["text"], s
    page.keyboard.press("t")
    assert page.evaluate("document.body.classList.contains('rs-talk-notext')")
    page.keyboard.press("t")
    # To the scene's last step (each → plays one step); one more → opens the next scene.
    for _ in range(len(s["steps"]) - 1):
        page.keyboard.press("ArrowRight")
    last = page.evaluate(_TALK)
    assert f"step {len(s['steps'])}/" in last["where"], last
    page.keyboard.press("ArrowRight")
    nxt = page.evaluate(_TALK)
    assert nxt["scene"] != first["scene"] and "Scene 2/" in nxt["where"], nxt
    page.keyboard.press("ArrowLeft")  # back: the previous scene's last step, on its last frame
    back = page.evaluate(_TALK)
    assert back["scene"] == first["scene"] and back["paused"], back
    assert abs(back["t"] - back["steps"][-1][1]) <= SLACK, back
    if how == "served":
        host = urlparse(site_url).netloc
        assert all(urlparse(u).netloc == host for u in requests if urlparse(u).scheme.startswith("http")), requests
    assert not errors, errors
    ctx.close()


# ---------------------------------------------------------------------------------------------------------------
# A live theme switch
# ---------------------------------------------------------------------------------------------------------------

_LINKS = """() => { const bad = [];
  const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(x => { x /= 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const bg = getComputedStyle(document.body).backgroundColor;
  for (const a of document.querySelectorAll('.md-content a')) {
    const c = getComputedStyle(a).color; const [l1, l2] = [lum(c), lum(bg)].sort((x, y) => y - x);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    if (ratio < 4.5) bad.push([a.textContent.slice(0, 30), c, bg, Math.round(ratio * 100) / 100]);
  }
  return {scheme: document.body.getAttribute('data-md-color-scheme'), bad}; }"""


def test_live_theme_switch_restyles_every_link(browser, built_site):
    from axe_playwright_python.sync_playwright import Axe

    ctx, page, errors = _open(browser, built_site.url, color_scheme="light")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(_LINKS) == {"scheme": "default", "bad": []}
    page.emulate_media(color_scheme="dark")  # the system turns dark while the page is open
    page.wait_for_timeout(400)
    assert page.evaluate(_LINKS) == {"scheme": "slate", "bad": []}
    page.wait_for_timeout(400)
    assert page.evaluate(_LINKS) == {"scheme": "slate", "bad": []}
    page.add_style_tag(content="* { content-visibility: visible !important; }")
    page.wait_for_timeout(200)
    violations = Axe().run(page).response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations]
    assert not errors
    ctx.close()


# ---------------------------------------------------------------------------------------------------------------
# Phones and wide screens: two renders, one timeline
# ---------------------------------------------------------------------------------------------------------------

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
_VIDEO = """(id) => { const f = document.getElementById('fig-' + id), v = f.querySelector('video');
  const r = v.getBoundingClientRect(), cur = f.querySelector('.rs-step-list [aria-current="step"]');
  return {src: v.currentSrc, w: r.width, h: r.height, vw: v.videoWidth, vh: v.videoHeight, t: v.currentTime,
          paused: v.paused,
          count: (f.querySelector('.rs-step-count') || {}).textContent, current: cur ? +cur.dataset.step : null,
          poster: v.getAttribute('poster') || v.getAttribute('data-poster'), controls: v.controls,
          tracks: [...v.textTracks].map(t => t.mode), now: (f.querySelector('.rs-step-now') || {}).textContent}; }"""


def _first_scene(browser, site_url) -> str:
    ctx, page, _ = _open(browser, site_url)
    fig = _scene_ids(page)[0]
    ctx.close()
    return fig


@pytest.mark.parametrize("where", ["article", "figure page", "embed"])
def test_phones_play_the_portrait_render_and_wide_screens_the_landscape(browser, site_url, where):
    """At 390 x 844 with mobile emulation the scene plays its portrait render, at least 340 px wide and 4:5, with its
    poster; widened to 1280 the same video plays the landscape render at the same step; narrowed again, the portrait
    one, still at that step. The player's own controls replace the native ones."""
    fig = _first_scene(browser, site_url)
    url = {"article": site_url, "figure page": f"{site_url}figures/{fig}/",
           "embed": f"{site_url}figures/{fig}/embed/"}[where]
    ctx, page, errors = _open(browser, url, reduced_motion="reduce", **PHONE)
    steps = page.evaluate(_STEPS, fig)
    page.wait_for_function(f"document.querySelector('#fig-{fig} .rs-player[data-rs-state]')")
    v = page.evaluate(_VIDEO, fig)
    assert v["src"].endswith(f"/{fig}.portrait.mp4") and v["w"] >= 340, v
    assert abs(v["h"] / v["w"] - 5 / 4) < 0.02 and v["poster"].endswith(f"{fig}.portrait.poster.webp"), v
    assert not v["controls"], "the step player's buttons replace the native controls"
    assert "showing" not in v["tracks"] and steps[0]["text"] in v["now"], "the step's text under the video, no captions over it"
    click_settled(page, f"#fig-{fig} .rs-step-next")
    s = _wait_step_end(page, fig, steps[1]["end"])
    assert abs(s["t"] - steps[1]["end"]) <= SLACK, (s, steps[1])
    for width, render in ((1280, f"/{fig}.mp4"), (390, f"/{fig}.portrait.mp4")):
        page.set_viewport_size({"width": width, "height": 844})
        page.wait_for_function(f"(() => {{ const v = document.querySelector('#fig-{fig} video');"
                               f" return v.currentSrc.endsWith('{render}') && v.readyState >= 2"
                               f" && !v.seeking; }})()", timeout=30_000)
        v = page.evaluate(_VIDEO, fig)
        assert v["paused"] and steps[1]["start"] <= v["t"] <= steps[1]["end"], (width, v, steps[1])
        assert v["count"].startswith("Step 2 of"), (width, v)
        assert abs(v["vh"] / v["vw"] - (9 / 16 if width == 1280 else 5 / 4)) < 0.01, (width, v)
        assert v["poster"].endswith(f"{fig}.poster.webp" if width == 1280 else f"{fig}.portrait.poster.webp"), v
    assert not errors, errors
    ctx.close()


def test_stepping_works_on_a_host_without_range_requests(browser, draft_build, site_url):
    """Served by a static server that ignores HTTP Range (python3 -m http.server), Next still plays step 2 from its
    start and pauses at its end (the player fetches the video once and seeks in that copy), not from 0:00."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(draft_build.site))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        fig = _first_scene(browser, site_url)
        ctx, page, errors = _open(browser, f"http://127.0.0.1:{server.server_address[1]}/", reduced_motion="reduce")
        steps = page.evaluate(_STEPS, fig)
        # The lowest time the video shows while playing: a restart at 0:00 would show up here.
        page.evaluate(f"""() => {{ const v = document.querySelector('#fig-{fig} video'); window.rsMin = 1e9;
            v.addEventListener('timeupdate', () => {{ if (!v.paused && !v.seeking)
              window.rsMin = Math.min(window.rsMin, v.currentTime); }}); }}""")
        click_settled(page, f"#fig-{fig} .rs-step-next")
        s = _wait_step_end(page, fig, steps[1]["end"])
        assert s["current"] == 1 and abs(s["t"] - steps[1]["end"]) <= SLACK, (s, steps[1])
        assert page.evaluate("window.rsMin") >= steps[1]["start"] - 0.3, "step 2 played from its start"
        assert page.evaluate(f"document.querySelector('#fig-{fig} video').currentSrc").startswith("blob:")
        assert not errors, errors
        ctx.close()
    finally:
        server.shutdown()
        server.server_close()
