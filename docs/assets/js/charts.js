/* The Race to Scale: the article's charts, drawn as they come near.
 *
 * The article carries each chart layout as an empty box of its drawing's aspect ratio, written by
 * generator/site/article/context.py (PageContext._chart_body):
 *   <div class="rs-chart-box" style="aspect-ratio: W / H" role="img" aria-labelledby=... aria-describedby=...
 *        data-rs-chart="figures/<id>.svg"><noscript><img src="figures/<id>.svg" alt=""></noscript></div>
 * The box is the image for assistive technology (its name and description are the page's own text). This script
 * fetches the drawing into the box when the box comes within a screen and a half of the viewport, so a page load
 * neither downloads nor lays out the SVG of charts far below (they were half the article's HTML and a third of its
 * elements). Inline, the drawing takes the page's font and theme colours. The box keeps its size, so nothing moves.
 * Only the layout site.css shows is fetched: a box with display: none never intersects.
 *
 * Before printing, every chart still missing is drawn at once (beforeprint cannot wait for a promise, so those few
 * small files are read synchronously); window.RaceCharts.drawAll() returns a promise for tools that print
 * (generator/tools/pdf.py). A drawing that cannot be fetched leaves a line saying so, with a link to the file.
 * Classic script, loaded with defer; no dependencies.
 */
(function () {
  "use strict";
  var SELECTOR = ".rs-chart-box[data-rs-chart]";
  var fetched = {}; // URL -> promise of the SVG's text

  /** Put the drawing ``text`` into ``box``: presentation only, the box being the image. */
  function place(box, text) {
    if (!box.hasAttribute("data-rs-chart")) return;
    var template = document.createElement("template");
    template.innerHTML = text;
    var svg = template.content.querySelector("svg");
    if (!svg) {
      fail(box, "no drawing in the file");
      return;
    }
    Array.prototype.slice.call(svg.children).forEach(function (el) {
      var tag = el.tagName.toLowerCase();
      if (tag === "title" || tag === "desc") svg.removeChild(el); // the box has them, from the page
    });
    svg.removeAttribute("role");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    box.removeAttribute("data-rs-chart");
    box.replaceChildren(svg);
    box.setAttribute("data-rs-state", "drawn");
  }

  function fail(box, why) {
    var src = box.getAttribute("data-rs-chart");
    box.removeAttribute("data-rs-chart");
    box.setAttribute("data-rs-state", "failed");
    var p = document.createElement("p");
    p.className = "rs-chart-failed";
    p.appendChild(document.createTextNode("This chart could not be loaded (" + why + "). "));
    var a = document.createElement("a");
    a.href = src;
    a.textContent = "Open the drawing";
    p.appendChild(a);
    p.appendChild(document.createTextNode("."));
    box.replaceChildren(p);
  }

  function get(src) {
    if (!fetched[src]) {
      fetched[src] = fetch(src).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.text();
      });
    }
    return fetched[src];
  }

  /** Fetch and place the drawing of ``box`` (a promise; settled once it is drawn or has failed). */
  function draw(box) {
    var src = box.getAttribute("data-rs-chart");
    if (!src) return Promise.resolve();
    return get(src).then(
      function (text) { place(box, text); },
      function (err) { if (box.hasAttribute("data-rs-chart")) fail(box, err.message || String(err)); }
    );
  }

  /** Every box still empty, drawn before this returns: the print is laid out as soon as beforeprint ends. */
  function drawAllNow() {
    document.querySelectorAll(SELECTOR).forEach(function (box) {
      var src = box.getAttribute("data-rs-chart");
      try {
        var xhr = new XMLHttpRequest();
        xhr.open("GET", src, false);
        xhr.send();
        if (xhr.status === 200) place(box, xhr.responseText);
        else fail(box, "HTTP " + xhr.status);
      } catch (err) {
        fail(box, err.message || String(err));
      }
    });
  }

  var observer = "IntersectionObserver" in window
    ? new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (!e.isIntersecting) return;
        observer.unobserve(e.target);
        draw(e.target);
      });
    }, { rootMargin: "150% 0px 150% 0px" })
    : null;

  function init() {
    document.querySelectorAll(SELECTOR).forEach(function (box) {
      if (observer) observer.observe(box);
      else draw(box);
    });
  }

  window.RaceCharts = {
    drawAll: function () {
      return Promise.all(Array.prototype.map.call(document.querySelectorAll(SELECTOR), draw));
    },
  };
  window.addEventListener("beforeprint", drawAllNow);
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
