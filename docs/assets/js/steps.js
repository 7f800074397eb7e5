/* Steps of a scene video: play one step (a chapter: one caption cue) and pause at its end, holding its last frame.
 *
 * A classic script (window.RaceSteps), so the talk page (site/talk/, opened from the built folder, even as a
 * file: URL where browsers refuse ES modules) and the article's player (assets/js/widgets/player.js) share it.
 * RaceSteps.engine(video, steps, onChange) -> controller; steps are [{start, end, title, text}] in seconds, the
 * chapters of the video, tiling it. onChange(index, how) is called when the current step changes: how is "step"
 * (the reader stepped), "play" (free play crossed into it) or "seek".
 */
(function () {
  "use strict";
  var HOLD = 0.05;   // seconds before a step's end where a stopped step rests (its last frame, not the next one's)

  function stepAt(steps, t) {
    for (var i = steps.length - 1; i >= 0; i -= 1) if (t >= steps[i].start - 0.001) return i;
    return 0;
  }

  /* The state of one video's stepping: st = {video, steps, onChange, current, stopAt, raf}. */
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
    if (st.stopAt !== null && video.currentTime >= st.stopAt - HOLD) {
      st.stopAt = null;
      video.pause();
      video.currentTime = restAt(st, st.current);
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
      video.currentTime = restAt(st, i);
      return;
    }
    video.currentTime = st.steps[i].start;
    if (how.play) {
      st.stopAt = st.steps[i].end;
      play(st);
    } else {
      video.pause();
    }
  }
  function toggle(st) {
    var video = st.video;
    if (!video.paused) { video.pause(); return; }
    st.stopAt = null;
    if (video.ended || video.currentTime >= video.duration - HOLD * 2) video.currentTime = 0;
    play(st);
  }

  function engine(video, steps, onChange) {
    var st = { video: video, steps: steps, onChange: onChange, current: -1, stopAt: null, raf: 0 };
    video.addEventListener("play", function () { watch(st); });
    video.addEventListener("seeked", function () {
      if (st.stopAt === null) set(st, stepAt(steps, video.currentTime), "seek");
    });
    video.addEventListener("timeupdate", function () { if (!st.raf) check(st); });
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
