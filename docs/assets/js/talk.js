/* Talk mode (site/talk/, written by generator/site/extras/talk.py): every scene full screen, step by step.
 * → or Next plays the next step and holds its last frame (after a scene's last step, the next scene), ← or Back
 * shows the step before (its last frame), T shows or hides the step text, F full screen, Home the scene's start.
 * The place is kept in the URL (#<scene id>/<step>), so a reload stays on the slide. A classic script, as is
 * steps.js (window.RaceSteps), so the page works opened straight from the built folder. */
(function () {
  "use strict";
  var sections = Array.prototype.slice.call(document.querySelectorAll(".rs-talk-scene"));
  var textBox = document.getElementById("rs-talk-text");
  var live = document.getElementById("rs-talk-live");
  var where = document.getElementById("rs-talk-where");
  var toggleText = document.getElementById("rs-talk-texttoggle");
  var scenes = sections.map(function (section) {
    var steps = Array.prototype.slice.call(section.querySelectorAll("ol.rs-talk-steps > li")).map(function (li) {
      return { start: parseFloat(li.getAttribute("data-start")), end: parseFloat(li.getAttribute("data-end")),
               title: li.getAttribute("data-title"), text: li.querySelector(".rs-step-text").textContent,
               said: li.querySelector(".rs-step-said").textContent };
    });
    return { section: section, video: section.querySelector("video"), steps: steps, ctl: null };
  });
  var at = 0;

  function label(s, i) {
    var sc = scenes[s], step = sc.steps[i];
    where.textContent = "Scene " + (s + 1) + "/" + scenes.length + " · " +
      (i < 0 ? "ready" : "step " + (i + 1) + "/" + sc.steps.length + ": " + step.title);
    textBox.textContent = i < 0 ? sc.section.getAttribute("aria-label") : step.text;
    if (i >= 0) {
      live.textContent = step.said; // the title, then the text; once when the text begins with it (talk.py)
      history.replaceState(null, "", "#" + sc.section.id + "/" + (i + 1));
    }
  }

  function controller(s) {
    var sc = scenes[s];
    if (!sc.ctl) {
      sc.video.removeAttribute("controls");
      sc.ctl = window.RaceSteps.engine(sc.video, sc.steps, function (i) { if (s === at) label(s, i); });
    }
    return sc.ctl;
  }

  function showScene(s) {
    at = s;
    sections.forEach(function (sec, k) { sec.hidden = k !== s; });
    scenes[s].video.preload = "auto";
    if (scenes[s + 1]) scenes[s + 1].video.preload = "auto";
    return controller(s);
  }

  function next() {
    var ctl = controller(at);
    if (ctl.index() < scenes[at].steps.length - 1) ctl.next({ play: true });
    else if (at < scenes.length - 1) showScene(at + 1).go(0, { play: true });
  }

  function back() {
    var ctl = controller(at);
    if (ctl.index() > 0) ctl.go(ctl.index() - 1, { at: "end" });
    else if (at > 0) { var prev = showScene(at - 1); prev.go(scenes[at].steps.length - 1, { at: "end" }); }
  }

  function setText(on) {
    document.body.classList.toggle("rs-talk-notext", !on);
    toggleText.setAttribute("aria-pressed", on ? "true" : "false");
  }

  function full() {
    var el = document.documentElement;
    if (document.fullscreenElement) document.exitFullscreen();
    else if (el.requestFullscreen) el.requestFullscreen().catch(function () { /* refused: the page still fills the window */ });
  }

  function onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var k = e.key;
    if (k === "ArrowRight" || k === "PageDown" || (k === " " && e.target.tagName !== "BUTTON")) next();
    else if (k === "ArrowLeft" || k === "PageUp") back();
    else if (k === "t" || k === "T") setText(document.body.classList.contains("rs-talk-notext"));
    else if (k === "f" || k === "F") full();
    else if (k === "Home") controller(at).go(0, { play: false });
    else return;
    e.preventDefault();
  }

  function start() {
    var m = /^#([a-z0-9_]+)\/(\d+)$/.exec(window.location.hash);
    var s = m ? sections.findIndex(function (sec) { return sec.id === m[1]; }) : -1;
    if (s < 0) { showScene(0); label(0, -1); return; }
    var step = Math.min(parseInt(m[2], 10), scenes[s].steps.length) - 1;
    showScene(s).go(step, { at: "end" });
  }

  document.documentElement.classList.replace("no-js", "js");
  document.addEventListener("keydown", onKey);
  document.getElementById("rs-talk-next").addEventListener("click", next);
  document.getElementById("rs-talk-prev").addEventListener("click", back);
  toggleText.addEventListener("click", function () { setText(document.body.classList.contains("rs-talk-notext")); });
  document.getElementById("rs-talk-full").addEventListener("click", full);
  start();
})();
