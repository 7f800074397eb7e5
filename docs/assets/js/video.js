/* Scene videos: play while in view, pause out of view; never autoplay for readers who prefer reduced motion.
   Runs on every page load and after Material's instant navigation (document$). */
(function () {
  "use strict";
  var reduce = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : { matches: false };
  var observer = null;

  function onIntersect(entries) {
    entries.forEach(function (entry) {
      var video = entry.target;
      if (entry.isIntersecting && entry.intersectionRatio >= 0.6) {
        if (reduce.matches) restOnFirstStep(video);
        else if (!video.dataset.rsUserPaused && video.paused) {
          var p = video.play();
          if (p && p.catch) p.catch(function () { /* autoplay refused: the controls remain */ });
        }
      } else if (!video.paused) {
        video.dataset.rsAutoPaused = "1";
        video.pause();
      }
    });
  }

  // With reduced motion nothing plays by itself, and the poster (the scene's last frame) would sit under "Step 1":
  // once the video is in view, it rests on step 1's last frame instead (the step fully drawn, as stepping shows
  // it), unless the reader has already moved it.
  function restOnFirstStep(video) {
    var player = video.closest(".rs-player");
    var ctl = player && player.rsSteps;
    if (!ctl || video.dataset.rsRested || video.currentTime > 0 || ctl.index() > 0) return;
    video.dataset.rsRested = "1";
    ctl.go(0, { at: "end", reason: "seek" });
  }

  // Videos carry data-poster (all but a first one without a portrait render): set the poster when the video comes
  // within a screen of the viewport, the portrait one (data-portrait-poster) when the portrait <source>'s media
  // query matches, so a phone never fetches the landscape poster too (steps.js swaps it when the layout changes).
  var posterObserver = null;
  function showPoster(video) {
    if (!video.dataset.poster || video.getAttribute("poster")) return;
    var want = video.dataset.poster, portrait = video.getAttribute("data-portrait-poster");
    var source = portrait && video.querySelector("source[media]");
    if (source && window.matchMedia && window.matchMedia(source.getAttribute("media")).matches) want = portrait;
    video.setAttribute("poster", want);
  }
  function onNear(entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      posterObserver.unobserve(entry.target);
      showPoster(entry.target);
    });
  }

  function init() {
    if (posterObserver) posterObserver.disconnect();
    posterObserver = "IntersectionObserver" in window
      ? new IntersectionObserver(onNear, { rootMargin: "100% 0px 100% 0px" }) : null;
    document.querySelectorAll("video.rs-video[data-poster]").forEach(function (video) {
      if (posterObserver) posterObserver.observe(video); else showPoster(video);
    });
    if (observer) observer.disconnect();
    observer = "IntersectionObserver" in window ? new IntersectionObserver(onIntersect, { threshold: [0, 0.6] }) : null;
    document.querySelectorAll("video.rs-video").forEach(function (video) {
      if (!video.dataset.rsBound) {
        video.dataset.rsBound = "1";
        // A pause the reader chose is respected: scrolling back does not restart it.
        video.addEventListener("pause", function () {
          if (video.dataset.rsAutoPaused) { delete video.dataset.rsAutoPaused; return; }
          if (!video.ended) video.dataset.rsUserPaused = "1";
        });
        video.addEventListener("play", function () { delete video.dataset.rsUserPaused; });
      }
      if (observer) observer.observe(video);
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
