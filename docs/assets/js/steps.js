/* Steps of a scene video: play one step (a chapter: one caption cue) and pause at its end, holding its last frame.
 *
 * A classic script (window.RaceSteps), so the talk page (site/talk/, opened from the built folder, even as a
 * file: URL where browsers refuse ES modules), the article's player (assets/js/widgets/player.js) and the embed
 * view share it. RaceSteps.engine(video, steps, onChange) -> controller; steps are [{start, end, title, text}] in
 * seconds, the chapters of the video, tiling it. onChange(index, how) is called when the current step changes: how
 * is "step" (the reader stepped), "play" (free play crossed into it) or "seek".
 *
 * Two renders, one timeline: a video may carry a <source media="..."> (the portrait render) before its plain
 * <source> (landscape). The browser picks at load; the engine picks again whenever one of those media queries
 * changes (a phone turned, a window resized), swapping the source and keeping the time, the step and whether it
 * was playing; the poster follows (data-portrait-poster).
 *
 * Any static host: every seek goes through seek(), which checks that the server can serve it (HTTP Range: the
 * video's seekable ranges). Where it cannot (python3 -m http.server, some object stores: Chromium reports such a
 * video seekable only at 0), the video is fetched once into a blob: URL, which seeks anywhere, and the seek is
 * made there.
 */
(function () {
  "use strict";
  var HOLD = 0.05;   // seconds before a step's end where a stopped step rests (its last frame, not the next one's)

  function stepAt(steps, t) {
    for (var i = steps.length - 1; i >= 0; i -= 1) if (t >= steps[i].start - 0.001) return i;
    return 0;
  }

  /* The state of one video's stepping: st = {video, steps, onChange, current, stopAt, raf, busy, target}. */
  function set(st, i, how) {
    if (i === st.current) return;
    st.current = i;
    if (st.onChange) st.onChange(i, how);
  }
  function restAt(st, i) {
    var s = st.steps[i];
    return Math.max(s.start, s.end - HOLD);
  }
  function check(st) {
    var video = st.video;
    st.raf = 0;
    if (st.busy) return;
    if (st.stopAt !== null && video.currentTime >= st.stopAt - HOLD) {
      st.stopAt = null;
      video.pause();
      seek(st, restAt(st, st.current));
      return;
    }
    if (st.stopAt === null) set(st, stepAt(st.steps, video.currentTime), "play");
    if (!video.paused) watch(st);
  }
  function watch(st) {
    if (!st.raf) st.raf = window.requestAnimationFrame(function () { check(st); });
  }
  function play(st) {
    var p = st.video.play();
    if (p && p.catch) p.catch(function () { /* refused: the controls remain */ });
    watch(st);
  }

  /* -- seeking on any host ------------------------------------------------------------------------------------ */
  function canSeek(video, t) {
    if (t <= 0.01) return true;
    var r = video.seekable;
    for (var i = 0; r && i < r.length; i += 1) if (t >= r.start(i) - 0.01 && t <= r.end(i) + 0.01) return true;
    return false;
  }
  /* Move to t; then() once the frame there can be shown (at once when the metadata is in and the host serves
     ranges). Before the metadata (preload="none") the video loads it first: only then can one tell whether the
     server can seek, and playing before that would show the start of the video. */
  function seek(st, t, then) {
    var video = st.video;
    st.target = { t: t, then: then || null };
    if (st.busy) return;  // a load, a swap or a fetch is under way: it seeks to st.target when done
    if (video.readyState >= 1) {
      if (canSeek(video, t) || video.dataset.rsWhole) {
        st.target = null;
        video.currentTime = t;
        if (then) then();
      } else whole(st);
      return;
    }
    st.busy = true;
    var done = function () {
      video.removeEventListener("loadedmetadata", done);
      video.removeEventListener("error", done);
      st.busy = false;
      var tg = st.target;
      if (tg && video.readyState >= 1) seek(st, tg.t, tg.then);
    };
    video.addEventListener("loadedmetadata", done);
    video.addEventListener("error", done);
    video.preload = "auto";
    if (video.networkState !== 2) video.load();  // 2: NETWORK_LOADING
    video.currentTime = t;  // shown (and read back) as the start position until the metadata is in
  }
  /* The server cannot seek: fetch the file once, play it from a blob: URL, then make the seek asked for. */
  function whole(st) {
    var video = st.video, src = video.currentSrc;
    if (!src || !window.fetch || !window.URL || !URL.createObjectURL) return;
    st.busy = true;
    var wasPlaying = !video.paused || (st.target && st.target.then);
    video.pause();  // not the wrong part of the video while the file comes
    fetch(src).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.blob();
    }).then(function (blob) {
      video.dataset.rsWhole = src;
      reload(st, URL.createObjectURL(blob), wasPlaying);
    }).catch(function () { st.busy = false; /* the step stays where it is; Play still plays */ });
  }
  /* Point the video at url (a blob or the other render), then restore st.target and play if asked. */
  function reload(st, url, playing) {
    var video = st.video;
    st.busy = true;
    video.addEventListener("loadedmetadata", function () {
      st.busy = false;
      var tg = st.target || { t: 0, then: null };
      if (playing && !tg.then) tg.then = function () { play(st); };
      seek(st, tg.t, tg.then);
    }, { once: true });
    video.preload = "auto";
    video.src = url;
  }

  /* -- two renders ------------------------------------------------------------------------------------------- */
  function choose(video) {
    var sources = video.querySelectorAll("source[src]");
    for (var i = 0; i < sources.length; i += 1) {
      var m = sources[i].getAttribute("media");
      if (!m || (window.matchMedia && window.matchMedia(m).matches)) return sources[i];
    }
    return null;
  }
  function poster(video, portrait) {
    if (!video.dataset.rsLandscapePoster) {
      // data-poster first: video.js may already have set the poster to the portrait one
      video.dataset.rsLandscapePoster = video.getAttribute("data-poster") || video.getAttribute("poster") || "";
    }
    var want = portrait ? video.getAttribute("data-portrait-poster") : video.dataset.rsLandscapePoster;
    if (!want) return;
    if (video.hasAttribute("poster")) video.setAttribute("poster", want);
    else video.setAttribute("data-poster", want);  // video.js sets it when the video comes near
  }
  /* Play the render whose media query matches now; keep the time, the step and the play state. */
  function orient(st) {
    var video = st.video, s = choose(video);
    if (!s) return;
    var portrait = s.hasAttribute("media");
    video.classList.toggle("rs-portrait", portrait);
    poster(video, portrait);
    if ((video.dataset.rsSrc || video.currentSrc) === s.src) { video.dataset.rsSrc = s.src; return; }
    video.dataset.rsSrc = s.src;
    delete video.dataset.rsWhole;
    var playing = !video.paused;
    if (video.readyState === 0 && !playing) { video.src = s.src; return; }  // nothing shown yet: just the source
    if (!st.busy) st.target = { t: video.currentTime, then: null };
    reload(st, s.src, playing);
  }
  function watchMedia(st) {
    var seen = {};
    Array.prototype.forEach.call(st.video.querySelectorAll("source[media]"), function (s) {
      var m = s.getAttribute("media");
      if (seen[m] || !window.matchMedia) return;
      seen[m] = true;
      var q = window.matchMedia(m), again = function () { orient(st); };
      if (q.addEventListener) q.addEventListener("change", again); else if (q.addListener) q.addListener(again);
    });
    orient(st);
  }

  /* go(st, i, how): make step i current. how.play: play it and stop at its end; how.at "end": rest on its last
     frame (paused) instead of its start; how.reason: what onChange is told (default "step"). */
  function go(st, i, how) {
    var video = st.video;
    how = how || {};
    i = Math.max(0, Math.min(st.steps.length - 1, i));
    st.current = -1;
    set(st, i, how.reason || "step");
    st.stopAt = null;
    if (how.at === "end") {
      video.pause();
      seek(st, restAt(st, i));
      return;
    }
    if (how.play) {
      st.stopAt = st.steps[i].end;
      seek(st, st.steps[i].start, function () { play(st); });
    } else {
      video.pause();
      seek(st, st.steps[i].start);
    }
  }
  function toggle(st) {
    var video = st.video;
    if (!video.paused) { video.pause(); return; }
    st.stopAt = null;
    if (video.ended || video.currentTime >= video.duration - HOLD * 2) seek(st, 0, function () { play(st); });
    else play(st);
  }

  function engine(video, steps, onChange) {
    var st = { video: video, steps: steps, onChange: onChange, current: -1, stopAt: null, raf: 0, busy: false,
               target: null };
    video.addEventListener("play", function () { watch(st); });
    video.addEventListener("seeked", function () {
      if (st.stopAt === null && !st.busy) set(st, stepAt(steps, video.currentTime), "seek");
    });
    video.addEventListener("timeupdate", function () { if (!st.raf) check(st); });
    watchMedia(st);
    return {
      go: function (i, how) { go(st, i, how); },
      next: function (how) { go(st, st.current < 0 ? 0 : st.current + 1, how || { play: true }); },
      prev: function (how) { go(st, st.current - 1, how || { play: true }); },
      toggle: function () { toggle(st); },
      sync: function () { set(st, stepAt(steps, video.currentTime), "seek"); },  // show, leave playback alone
      index: function () { return st.current; },
      stepping: function () { return st.stopAt !== null; },
      steps: steps
    };
  }

  window.RaceSteps = { engine: engine, stepAt: stepAt, HOLD: HOLD };
})();
