/* The step player around a scene's native <video> (markup: generator/site/article/templates/scene_player.html).
 *
 * Reads the steps from the page's step list (ol.rs-steps: one li per caption cue, with data-start, data-end,
 * data-title and a fragment link), and adds under the video: Previous step / Play / Next step / Full screen, the
 * current step's text as HTML (selectable, in the page's type and theme) with a link to the step, one button per
 * step (the current one aria-current="step"; not in the compact player of the embed view, data-rs-compact), and a
 * polite live region that announces a step's text when the reader steps (not during free play). Keys when focus is
 * inside the player (a click on the video puts it there): → next step, ← previous step, Space play/pause; a click on
 * the video plays or pauses. Stepping plays the step and pauses at its end (window.RaceSteps,
 * docs/assets/js/steps.js, which also swaps between the portrait and landscape renders as the width changes and
 * seeks on hosts without HTTP Range); Play runs on. The native controls go: they covered the bottom of the frame
 * the player pauses on, and the step text replaces the captions. A URL fragment #fig-<id>-step-<n> opens the article
 * at that scene and step. With reduced motion a scene starts paused at step 1 (video.js shows its last frame, not
 * the poster, once it is in view). Without JavaScript: the native
 * controls, the captions track and the step list.
 */

import { h } from "./shared.js";

const reduce = () => window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

function readSteps(figure) {
  return Array.from(figure.querySelectorAll("ol.rs-steps > li")).map((li) => ({
    id: li.id,
    start: parseFloat(li.getAttribute("data-start")),
    end: parseFloat(li.getAttribute("data-end")),
    title: li.getAttribute("data-title"),
    text: li.querySelector(".rs-step-text").textContent,
    said: li.querySelector(".rs-step-said"), // the title and the text, the title said once (player.py)
  }));
}

function buildControls(title, steps, compact) {
  const prev = h("button", { type: "button", class: "rs-step-prev", text: "Previous step" });
  const play = h("button", { type: "button", class: "rs-step-play", text: "Play" });
  const next = h("button", { type: "button", class: "rs-step-next", text: "Next step" });
  const full = h("button", { type: "button", class: "rs-step-full", text: "Full screen" });
  const count = h("span", { class: "rs-step-count", "aria-hidden": "true" });
  const list = h("ol", { class: "rs-step-list", "aria-label": "Steps" },
    steps.map((s, i) => h("li", null, [h("button", { type: "button", "data-step": i, text: (i + 1) + ". " + s.title })])));
  const body = h("span", { class: "rs-step-body" });
  const link = h("a", { class: "rs-step-permalink", text: "Link to this step" });
  const text = h("p", { class: "rs-step-now" }, [body, " ", link]);
  const live = h("div", { class: "rs-visually-hidden", "aria-live": "polite", "aria-atomic": "true" });
  const bar = h("div", { class: "rs-step-bar" }, [prev, play, next, full, count]);
  // The step's text right under the buttons (on a phone it stays on screen with the video); the list after it.
  const ui = h("div", { class: "rs-player-ui", role: "group", "aria-label": "Steps of the animation: " + title },
    compact ? [bar, text, live] : [bar, text, list, live]);
  return { ui, prev, play, next, full, count, list, body, link, live };
}

function fullScreen(video) {
  if (document.fullscreenElement) { document.exitFullscreen(); return; }
  if (video.requestFullscreen) video.requestFullscreen().catch(() => { /* refused: nothing changes */ });
  else if (video.webkitEnterFullscreen) video.webkitEnterFullscreen();  // iPhone: the system's own player
}

function show(c, steps, i, how) {
  const s = steps[i];
  c.list.querySelectorAll("button[data-step]").forEach((b) => {
    if (Number(b.getAttribute("data-step")) === i) b.setAttribute("aria-current", "step");
    else b.removeAttribute("aria-current");
  });
  c.count.textContent = "Step " + (i + 1) + " of " + steps.length;
  c.body.replaceChildren(...Array.from(s.said.childNodes, (n) => n.cloneNode(true)));
  c.body.querySelectorAll("[class]").forEach((n) => n.removeAttribute("class")); // the transcript's hooks stay unique
  c.link.setAttribute("href", "#" + s.id);
  c.prev.disabled = i === 0;
  c.next.disabled = i === steps.length - 1;
  if (how === "step") c.live.textContent = "Step " + (i + 1) + " of " + steps.length + ": " + s.said.textContent;
}

function bindKeys(player, ctl, video) {
  player.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const onButton = e.target && e.target.tagName === "BUTTON";
    if (e.key === "ArrowRight") ctl.next();
    else if (e.key === "ArrowLeft") ctl.prev();
    else if ((e.key === " " || e.key === "Spacebar") && !onButton) ctl.toggle();
    else return;
    e.preventDefault();
    e.stopPropagation();
  }, true);
  video.addEventListener("play", () => { player.classList.add("rs-playing"); });
  video.addEventListener("pause", () => { player.classList.remove("rs-playing"); });
}

/** The address's fragment as text; a malformed escape ("#%", "#%E0") is no step link, not an error that would
 * stop this and every later player on the page from starting. */
function fragment() {
  try {
    return decodeURIComponent(window.location.hash.slice(1));
  } catch (e) {
    return "";
  }
}

function fromHash(figure, steps) {
  const hash = fragment();
  const i = steps.findIndex((s) => s.id === hash);
  return i >= 0 ? i : -1;
}

function initPlayer(player) {
  if (player.getAttribute("data-rs-state") || !window.RaceSteps) return;
  const figure = player.closest("figure");
  const video = player.querySelector("video");
  const steps = readSteps(figure);
  if (!video || !steps.length) return;
  player.setAttribute("data-rs-state", "ready");
  const c = buildControls(player.getAttribute("data-title") || "", steps, player.hasAttribute("data-rs-compact"));
  const ctl = window.RaceSteps.engine(video, steps, (i, how) => show(c, steps, i, how));
  // The player's own controls replace the native ones, which covered the bottom of the paused frame.
  video.removeAttribute("controls");
  video.setAttribute("tabindex", "-1");
  video.addEventListener("click", () => { video.focus(); ctl.toggle(); });
  c.prev.addEventListener("click", () => ctl.prev());
  c.next.addEventListener("click", () => ctl.next());
  c.play.addEventListener("click", () => ctl.toggle());
  c.full.addEventListener("click", () => fullScreen(video));
  c.list.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-step]");
    if (b) ctl.go(Number(b.getAttribute("data-step")), { play: true });
  });
  const label = () => { c.play.textContent = video.paused ? "Play" : "Pause"; };
  video.addEventListener("play", label);
  video.addEventListener("pause", label);
  bindKeys(player, ctl, video);
  // The step text is on the page under the video, so the captions (shown by default) are hidden, not drawn over it;
  // a track left disabled (the chapters: the steps come from the list) is not fetched with the page.
  for (const t of Array.from(video.textTracks)) if (t.mode === "showing") t.mode = "hidden";
  player.appendChild(c.ui);
  player.rsSteps = ctl;
  openAt(figure, video, ctl, steps);
}

function openAt(figure, video, ctl, steps) {
  const i = fromHash(figure, steps);
  if (i >= 0) {
    video.dataset.rsUserPaused = "1";  // video.js: do not start free play over the step the link asked for
    video.preload = "auto";
    ctl.go(i, { play: !reduce(), reason: "step" });
    // After the browser's own jump to the step's list item (and again once the page has loaded, when the
    // browser may jump late): the video is what the reader came for.
    const jump = () => figure.scrollIntoView({ block: "start" });
    jump();
    if (document.readyState !== "complete") window.addEventListener("load", jump, { once: true });
  } else {
    ctl.sync();  // step 1 at load (video.js may already be playing a video in view: leave it be)
  }
}

export function initPlayers() {
  document.querySelectorAll(".rs-player[data-rs-player]").forEach(initPlayer);
}

export function onHashChange() {
  document.querySelectorAll(".rs-player[data-rs-state]").forEach((player) => {
    const figure = player.closest("figure");
    if (player.rsSteps && fromHash(figure, player.rsSteps.steps) >= 0) openAt(figure, player.querySelector("video"), player.rsSteps, player.rsSteps.steps);
  });
}
