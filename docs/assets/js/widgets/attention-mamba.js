/* Attention | Mamba: the memory one sequence keeps, an attention model's KV cache (it grows with every token) against
 * a hybrid's Mamba-2 state (fixed), on log scales from one token to the hybrid's context, so both the crossover (a
 * few hundred tokens, where the growing cache passes the fixed state) and the million-token end are on the chart.
 *
 * Everything is computed with window.RaceDerive from the catalog data the island carries: the two models (chosen
 * in catalog.yaml widgets.attention-mamba, with the note saying why these two), the precisions. The chart is
 * drawn at the width it is shown (its text stays the page's size), again when that width changes.
 */

import { nbytes, num, params, times, tokens } from "./format.js";
import { binaryStops, field, h, liveRegion, nearest, nextId, setText, stopSlider, svg } from "./shared.js";
import { copyLinkButton, readParams, settleAddress, wholeIn, writeParams } from "./urlstate.js";

const NS = "am";
const PLOT_HEIGHT = 270; // px; widgets.css gives the plot's box this height before the chart is drawn

/** Byte counts with one decimal of their unit, as the no-JS table prints them (generator/site/article/widgets.py). */
const BYTES = { digits: 1 };

/** The x-axis ticks: powers of ten of tokens, short ("1", "10", ..., "1K", "1M"). */
function tickText(n) {
  return params(n, { short: true });
}

/** A ratio of two sizes: one decimal under ten, whole from ten ("2.6×", "381×"). */
function ratio(a, b) {
  const r = a / b;
  return times(r, { digits: r >= 10 ? 0 : 1 });
}

/** The memory one sequence keeps at length n: the attention model's cache, the hybrid's whole cache. */
function memories(D, m, n) {
  return { n, cache: D.kv_bytes_per_sequence(m.att, n, m.prec), hybrid: D.kv_bytes_per_sequence(m.hyb, n, m.prec) };
}

/** log10-scaled chart geometry for the container's width. */
function geometry(m, width) {
  const w = Math.max(280, Math.round(width));
  const g = { w, h: PLOT_HEIGHT, left: w < 520 ? 58 : 66, right: 14, top: 12, bottom: 44 };
  const x0 = 0;
  const x1 = Math.log10(m.range[1]);
  const lo = Math.floor(Math.log10(Math.min(m.perToken, m.state)));
  const hi = Math.ceil(Math.log10(Math.max(memories(m.D, m, m.range[1]).cache, m.state)));
  g.x = (n) => g.left + (Math.log10(n) - x0) / (x1 - x0) * (g.w - g.left - g.right);
  g.y = (b) => g.top + (hi - Math.log10(b)) / (hi - lo) * (g.h - g.top - g.bottom);
  g.lo = lo;
  g.hi = hi;
  return g;
}

function line(points, cls) {
  return svg("polyline", { class: cls, points: points.map((p) => p[0].toFixed(1) + "," + p[1].toFixed(1)).join(" ") });
}

function label(x, y, text, cls, anchor) {
  const t = svg("text", { x: x.toFixed(1), y: y.toFixed(1), class: cls, "text-anchor": anchor || "start" });
  t.textContent = text;
  return t;
}

/** The axes, the three lines and the crossover: what does not move with the slider. */
function drawStatic(m, g, root) {
  const grid = svg("g", { class: "rs-am__grid" });
  for (let e = g.lo; e <= g.hi; e++) {
    const y = g.y(Math.pow(10, e));
    grid.appendChild(svg("line", { x1: g.left, x2: g.w - g.right, y1: y, y2: y }));
    grid.appendChild(label(g.left - 6, y + 4, nbytes(Math.pow(10, e)), "rs-am__tick", "end"));
  }
  for (let e = 0; Math.pow(10, e) <= m.range[1]; e++) {
    const x = g.x(Math.pow(10, e));
    grid.appendChild(svg("line", { x1: x, x2: x, y1: g.top, y2: g.h - g.bottom }));
    grid.appendChild(label(x, g.h - g.bottom + 17, tickText(Math.pow(10, e)), "rs-am__tick", "middle"));
  }
  grid.appendChild(label(g.left + (g.w - g.left - g.right) / 2, g.h - 6, "Sequence length (tokens, log scale)",
    "rs-am__axis", "middle"));
  root.appendChild(grid);
  const ns = binaryStops(1, m.range[1]);
  root.appendChild(line(ns.map((n) => [g.x(n), g.y(memories(m.D, m, n).hybrid)]), "rs-am__hybrid"));
  root.appendChild(line([[g.x(1), g.y(m.state)], [g.x(m.range[1]), g.y(m.state)]], "rs-am__state"));
  root.appendChild(line(ns.map((n) => [g.x(n), g.y(memories(m.D, m, n).cache)]), "rs-am__cache"));
  const cx = g.x(m.cross);
  const cy = g.y(m.state);
  root.appendChild(svg("circle", { cx, cy, r: 5, class: "rs-am__cross" }));
  // Below the fixed line and right of the point: the growing line is above it there, the space below is empty.
  root.appendChild(label(cx + 6, cy + 20, "equal at " + num(Math.round(m.cross)) + " tokens", "rs-am__note"));
}

/** The reader's length: a vertical rule and a dot on each line. */
function drawMarker(m, g, group, x) {
  while (group.firstChild) group.removeChild(group.firstChild);
  const px = g.x(x.n);
  group.appendChild(svg("line", { x1: px, x2: px, y1: g.top, y2: g.h - g.bottom, class: "rs-am__rule" }));
  group.appendChild(svg("circle", { cx: px, cy: g.y(x.hybrid), r: 4, class: "rs-am__dot rs-am__dot--hybrid" }));
  group.appendChild(svg("circle", { cx: px, cy: g.y(m.state), r: 4, class: "rs-am__dot rs-am__dot--state" }));
  group.appendChild(svg("circle", { cx: px, cy: g.y(x.cache), r: 4.5, class: "rs-am__dot rs-am__dot--cache" }));
}

function summary(D, m, x) {
  const att = m.att.name;
  const hyb = m.hyb.name;
  const rest = " " + hyb + "\u2019s own " + num(D.attention_layer_count(m.hyb)) + " attention layers add " +
    nbytes(x.hybrid - m.state, BYTES) + " of cache to its state: " + nbytes(x.hybrid, BYTES) + " in all.";
  if (x.cache < m.state) {
    return "At " + tokens(x.n) + ", " + att + "\u2019s KV cache (" + nbytes(x.cache, BYTES) + ") is " +
      ratio(m.state, x.cache) + " smaller than the Mamba-2 state of " + hyb + " (" + nbytes(m.state, BYTES) +
      "): below about " + tokens(Math.round(m.cross)) + " the fixed state costs more." + rest;
  }
  return "At " + tokens(x.n) + ", " + att + "\u2019s KV cache holds " + nbytes(x.cache, BYTES) + ": " +
    ratio(x.cache, m.state) + " the " + nbytes(m.state, BYTES) + " Mamba-2 state of " + hyb +
    ", which stays that size at any length." + rest;
}

function legend(m) {
  const item = (cls, text) => h("li", {}, [h("span", { class: "rs-am__key " + cls, "aria-hidden": "true" }), text]);
  return h("ul", { class: "rs-am__legend" }, [
    item("rs-am__key--cache", m.att.name + ": KV cache, a key and a value per token in every layer"),
    item("rs-am__key--state", m.hyb.name + ": Mamba-2 state, the same size at any length"),
    item("rs-am__key--hybrid", m.hyb.name + ": state plus the KV cache of its " +
      num(m.D.attention_layer_count(m.hyb)) + " attention layers")
  ]);
}

function footnote(m, data) {
  return "One sequence. KV cache in " + data.labels.kv + " (" + num(m.D.bytes_per_value(m.prec)) +
    " bytes per number); the Mamba-2 state in " + data.labels.state + ", as " + m.hyb.name +
    "\u2019s configuration keeps it. Both axes are logarithmic: each grid line is ten times the one before. " +
    "GB = 10\u2079 bytes, MB = 10\u2076 bytes, kB = 10\u00b3 bytes.";
}

/** The chart in its box: ``draw(x)`` at the box's width (again only when the width changed), ``mark(x)`` moves the
 * reader's length. */
function makePlot(m) {
  const chartId = nextId("am-chart");
  const chart = svg("svg", { class: "rs-am__chart", role: "img", "aria-labelledby": chartId });
  const chartTitle = svg("title", { id: chartId });
  chartTitle.textContent = "Memory against sequence length, log scales: " + m.att.name + "\u2019s KV cache grows " +
    "with every token and passes the fixed " + nbytes(m.state, BYTES) + " Mamba-2 state of " + m.hyb.name + " at about " +
    tokens(Math.round(m.cross)) + ".";
  const box = h("div", { class: "rs-am__plot" }, [chart]);
  const marker = svg("g", { class: "rs-am__marker" });
  let g = null;
  return {
    box,
    draw(x) {
      const width = box.clientWidth || 640;
      if (g && g.w === Math.max(280, Math.round(width))) return;
      g = geometry(m, width);
      chart.setAttribute("viewBox", "0 0 " + g.w + " " + g.h);
      chart.setAttribute("width", String(g.w));
      chart.setAttribute("height", String(g.h));
      while (chart.firstChild) chart.removeChild(chart.firstChild);
      chart.appendChild(chartTitle);
      drawStatic(m, g, chart);
      chart.appendChild(marker);
      drawMarker(m, g, marker, x);
    },
    mark(x) {
      if (g) drawMarker(m, g, marker, x);
    }
  };
}

export function buildAttentionMamba(D, data) {
  const stops = binaryStops(data.range[0], data.range[1]);
  const st = { length: stops[nearest(stops, data.defaults.length)] };
  const q = readParams(NS);
  const asked = wholeIn(q.length, stops[0], stops[stops.length - 1]);
  if (asked !== undefined) st.length = stops[nearest(stops, asked)];
  settleAddress(NS, { length: st.length }); // an invalid am.* value does not stay in the address bar

  const m = { D, st, range: data.range, att: data.attention, hyb: data.ssm, prec: data.precision };
  m.state = D.ssm_state_bytes(m.hyb, m.prec); // in the precision the model keeps its state in
  m.perToken = D.kv_bytes_per_token(m.att, m.prec);
  m.cross = m.state / m.perToken;

  const slider = stopSlider(nextId("am-length"), stops, st.length, tokens);
  const lengthField = field("Sequence length", slider.input);
  const plot = makePlot(m);
  const text = h("p", { class: "rs-explain" });

  function update() {
    const x = memories(D, m, st.length);
    setText(lengthField.out, tokens(x.n));
    plot.mark(x);
    setText(text, summary(D, m, x));
  }

  const ui = h("div", { class: "rs-ui rs-am" }, [
    data.note ? h("p", { class: "rs-note rs-am__why", text: data.note }) : null,
    plot.box,
    legend(m),
    h("div", { class: "rs-controls rs-controls--one" }, [lengthField.wrap]),
    liveRegion([text]),
    h("p", { class: "rs-note", text: footnote(m, data) }),
    copyLinkButton(NS, "widget-attention-mamba", () => ({ length: st.length }))
  ]);

  slider.input.addEventListener("input", () => {
    st.length = slider.fromInput();
    update();
    writeParams(NS, { length: st.length });
  });
  // Drawn once the widget is in the page (its width is known then), and again when that width changes.
  requestAnimationFrame(() => {
    plot.draw(memories(D, m, st.length));
    if ("ResizeObserver" in window) new ResizeObserver(() => plot.draw(memories(D, m, st.length))).observe(plot.box);
  });
  update();
  return ui;
}
