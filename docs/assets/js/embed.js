/* The embed view's theme and height (figures/<id>/embed/, generator/site/extras/figure_pages.py).
 *
 * Theme: the reader's system theme (CSS prefers-color-scheme) unless the iframe's address says ?theme=light or
 * ?theme=dark. Runs in <head>, before anything is drawn; any other value is ignored.
 *
 * Height: in an iframe, the view tells its parent page the height it needs to show the figure at the frame's full
 * width ({rtsEmbedHeight: pixels}, by postMessage), on load and whenever its size changes. The embed snippet's
 * one-line script sets the frame to that height, so on a phone the tall narrow chart is shown whole and readable
 * instead of shrunk into the wide chart's aspect ratio. Without that script (a host that strips scripts) the frame
 * keeps the snippet's aspect ratio and embed.css fits the figure into it. */
(function () {
  "use strict";
  try {
    var theme = new URLSearchParams(window.location.search).get("theme");
    if (theme === "light" || theme === "dark") document.documentElement.setAttribute("data-theme", theme);
  } catch (e) { /* no URLSearchParams: the system theme applies */ }

  if (window.parent === window || !window.postMessage) return;

  // The height of the page with every chart and video at the frame's full width (embed.css may be fitting them
  // into a shorter frame: add what that took away, so the answer does not depend on the frame's current height).
  function needed() {
    var main = document.querySelector("main");
    if (!main) return 0;
    var extra = 0;
    var media = document.querySelectorAll("figure.rs-figure svg, figure.rs-figure video");
    for (var i = 0; i < media.length; i++) {
      var el = media[i];
      var r = el.getBoundingClientRect();
      if (!r.width || !r.height) continue; // the variant not shown at this width
      var ratio = 9 / 16;
      if (el.classList.contains("rs-portrait")) {  // the portrait render (steps.js chose it for this width)
        ratio = (+el.getAttribute("data-portrait-height") || 5) / (+el.getAttribute("data-portrait-width") || 4);
      } else if (el.tagName.toLowerCase() === "svg") {
        var vb = el.viewBox && el.viewBox.baseVal;
        ratio = vb && vb.width ? vb.height / vb.width : r.height / r.width;
      }
      extra += Math.max(0, r.width * ratio - r.height);
    }
    return Math.ceil(main.getBoundingClientRect().height + extra);
  }

  var last = 0;
  function tell() {
    // The host has set the frame to the height asked for: the figure no longer needs fitting into it (embed.css).
    if (last && Math.abs(window.innerHeight - last) <= 1) document.documentElement.classList.add("rs-embed-fitted");
    var h = needed();
    if (h && Math.abs(h - last) > 1) {
      last = h;
      window.parent.postMessage({ rtsEmbedHeight: h }, "*");
    }
  }

  function watch() {
    tell();
    if ("ResizeObserver" in window) new ResizeObserver(tell).observe(document.body);
    window.addEventListener("resize", tell);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
  window.addEventListener("load", tell);
})();
