/* The context explorer: how many attention scores a sequence of n tokens costs, full, causal and windowed. */

import { TIMES, num, params, times, tokens } from "./format.js";
import {
  binaryStops, byIdOf, field, h, liveRegion, nearest, nextId, scrollBox, select, setText, stopSlider, svg
} from "./shared.js";
import { copyLinkButton, oneOf, readParams, settleAddress, wholeIn, writeParams } from "./urlstate.js";

const MAX_N = 1048576;
const NS = "cx";
const WINDOW_STOPS = binaryStops(1, 131072);

/** cx.n (any whole length, as the exact box takes), cx.model and cx.w (snapped to the slider) from the address. */
function restoreContext(st, data) {
  const q = readParams(NS);
  const n = wholeIn(q.n, 1, MAX_N);
  if (n !== undefined) st.n = n;
  st.model = oneOf(q.model, data.models.map((m) => m.id)) || st.model;
  const w = wholeIn(q.w, WINDOW_STOPS[0], WINDOW_STOPS[WINDOW_STOPS.length - 1]);
  if (w !== undefined) st.w = WINDOW_STOPS[nearest(WINDOW_STOPS, w)];
}

// ---------------------------------------------------------------------------------------------------------------
// Controls
// ---------------------------------------------------------------------------------------------------------------

/** Length n (a slider plus an exact number box), the model, and the sliding window w. */
function contextControls(data, st, windowModel) {
  const ids = { n: nextId("cx-n"), exact: nextId("cx-exact"), model: nextId("cx-model"), w: nextId("cx-w") };
  const c = { nSlider: stopSlider(ids.n, binaryStops(1, MAX_N), st.n, tokens) };
  c.exact = h("input", {
    id: ids.exact, class: "rs-number", type: "number", min: 1, max: MAX_N, step: 1, inputmode: "numeric",
    value: st.n
  });
  const exactWrap = h("div", { class: "rs-exact" }, [h("label", { for: ids.exact, text: "Exact length" }), c.exact]);
  c.nField = field("Context length n", c.nSlider.input, [exactWrap]);
  c.modelSel = select(ids.model, data.models.map((m) => ({ value: m.id, label: m.name })), st.model);
  c.modelField = field("Model", c.modelSel);
  c.wSlider = stopSlider(ids.w, WINDOW_STOPS, st.w, (w) =>
    tokens(w) + (windowModel && w === windowModel.window ? " (" + windowModel.name + ")" : ""));
  c.wField = field("Sliding window w", c.wSlider.input);
  return c;
}

/** The exact length box: a valid whole number moves the slider; anything else is flagged, then undone on change. */
function bindExact(c, st, update) {
  const exact = c.exact;
  exact.addEventListener("input", () => {
    const v = Number(exact.value);
    if (!Number.isInteger(v) || v < 1 || v > MAX_N) {
      exact.setAttribute("aria-invalid", "true");
      return;
    }
    exact.removeAttribute("aria-invalid");
    st.n = v;
    c.nSlider.set(v);
    update();
  });
  exact.addEventListener("change", () => {
    if (exact.getAttribute("aria-invalid")) {
      exact.value = String(st.n);
      exact.removeAttribute("aria-invalid");
    }
  });
}

function bindContext(c, st, update) {
  c.nSlider.input.addEventListener("input", () => { st.n = c.nSlider.fromInput(); update(); });
  bindExact(c, st, update);
  c.modelSel.addEventListener("change", () => { st.model = c.modelSel.value; update(); });
  c.wSlider.input.addEventListener("input", () => { st.w = c.wSlider.fromInput(); update(); });
}

// ---------------------------------------------------------------------------------------------------------------
// The score table and the score matrix picture
// ---------------------------------------------------------------------------------------------------------------

function scoreRow(label, cls) {
  const one = h("td");
  const all = h("td");
  const name = document.createTextNode(label);
  const tr = h("tr", { class: cls }, [h("th", { scope: "row" }, [h("span", { class: "rs-key " + cls }), name]),
    one, all]);
  return { tr, name, one, all };
}

function scoresTable() {
  const t = {
    full: scoreRow("Full, n\u00b2", "rs-k-full"),
    causal: scoreRow("Causal, n(n+1)/2", "rs-k-causal"),
    window: scoreRow("Sliding window", "rs-k-window"),
    colAll: h("th", { scope: "col" })
  };
  t.table = h("table", { class: "rs-table rs-scores" }, [
    h("caption", { text: "Attention scores for one sequence" }),
    h("thead", null, [h("tr", null, [
      h("th", { scope: "col", text: "Pattern" }), h("th", { scope: "col", text: "One head, one layer" }), t.colAll
    ])]),
    h("tbody", null, [t.full.tr, t.causal.tr, t.window.tr])
  ]);
  return t;
}

function matrixPicture() {
  const el = svg("svg", { viewBox: "-1 -1 102 102", class: "rs-matrix", role: "img" });
  const title = svg("title", {});
  const body = svg("g", {});
  el.appendChild(title);
  el.appendChild(body);
  return { el, title, body };
}

/** Up to 32 tokens: every score a cell, the window's band inside the causal triangle, and a grid. */
function drawCells(body, n, w) {
  const c = 100 / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const cls = i - j < w ? "rs-m-window" : "rs-m-causal";
      body.appendChild(svg("rect", { x: j * c + 0.4, y: i * c + 0.4, width: c - 0.8, height: c - 0.8, class: cls }));
    }
  }
  for (let k = 1; k < n; k++) {
    body.appendChild(svg("line", { x1: k * c, y1: 0, x2: k * c, y2: 100, class: "rs-m-grid" }));
    body.appendChild(svg("line", { x1: 0, y1: k * c, x2: 100, y2: k * c, class: "rs-m-grid" }));
  }
}

/** More tokens: the causal triangle and the window's band as two polygons. */
function drawBand(body, n, w) {
  const f = 100 * Math.min(w / n, 1);
  body.appendChild(svg("polygon", { points: "0,0 0,100 100,100", class: "rs-m-causal" }));
  body.appendChild(svg("polygon", { points: "0,0 100,100 " + (100 - f) + ",100 0," + f, class: "rs-m-window" }));
}

function drawMatrix(pic, n, w) {
  const body = pic.body;
  while (body.firstChild) body.removeChild(body.firstChild);
  body.appendChild(svg("rect", { x: 0, y: 0, width: 100, height: 100, class: "rs-m-full" }));
  if (n <= 32) drawCells(body, n, w);
  else drawBand(body, n, w);
  body.appendChild(svg("rect", { x: 0, y: 0, width: 100, height: 100, class: "rs-m-frame" }));
  pic.title.textContent = "The " + num(n) + " by " + num(n) + " score matrix: queries down, keys across. " +
    "The causal lower triangle, and inside it the band a window of " + num(w) + " keeps.";
}

// ---------------------------------------------------------------------------------------------------------------
// Computing and rendering
// ---------------------------------------------------------------------------------------------------------------

/** Scores per head per layer for each pattern, and per sequence (BigInt: past 2**53 for long contexts). */
function computeScores(D, m, n, w) {
  const matrices = D.attention_matrices(m);
  const full = D.attention_scores(n, "full");
  const causal = D.attention_scores(n, "causal");
  const win = D.attention_scores(n, "window", w);
  return { n, w, matrices, full, causal, win, M: BigInt(matrices) };
}

/** A count of scores: in words from a million up ("1.1 trillion"), the number itself below that. */
function scoreCount(big) {
  return Number(big) >= 1e6 ? params(big) : num(big);
}

function cellText(td, big) {
  td.textContent = "";
  td.appendChild(h("span", { class: "rs-approx", text: scoreCount(big) }));
  if (Number(big) >= 1e6) td.appendChild(h("span", { class: "rs-exactnum", text: num(big) }));
}

function renderScores(t, m, x) {
  t.colAll.textContent = m.name + ": " + TIMES + " " + num(x.matrices);
  cellText(t.full.one, BigInt(x.full));
  cellText(t.causal.one, BigInt(x.causal));
  cellText(t.window.one, BigInt(x.win));
  cellText(t.full.all, BigInt(x.full) * x.M);
  cellText(t.causal.all, BigInt(x.causal) * x.M);
  cellText(t.window.all, BigInt(x.win) * x.M);
  t.window.name.textContent = "Sliding window, w = " + num(x.w);
}

function leadText(D, m, x) {
  const { n, w, causal } = x;
  const saving = n > w ? " A window of " + num(w) + " computes " + times(causal / x.win) +
    " fewer than causal attention." : " The window of " + num(w) + " covers the whole sequence here, so it " +
    "computes the same as causal attention.";
  const scores = (k) => num(k) + (k === 1 ? " score" : " scores");
  return tokens(n) + ": " + scores(x.full) + " per head per layer (n\u00b2), " + num(causal) +
    " with a causal mask. " + m.name + " has " + num(m.heads) + " heads " + TIMES + " " +
    num(D.attention_layer_count(m)) + " attention layers = " + num(x.matrices) + " score matrices, so " +
    scoreCount(BigInt(causal) * x.M) + " causal scores per sequence." + saving;
}

function reachText(D, m, w) {
  return "Stacked windows reach further layer by layer: w " + TIMES + " layers = " + num(w) + " " +
    TIMES + " " + num(m.layers) + " = " + tokens(D.receptive_field(w, m.layers)) +
    " at most, a theoretical span rather than what the model actually uses." +
    (m.window ? " " + m.name + "\u2019s own window is " + tokens(m.window) + "." : "");
}

function renderContext(D, st, m, v) {
  const x = computeScores(D, m, st.n, st.w);
  const c = v.c;
  setText(c.nField.out, tokens(x.n));
  setText(c.wField.out, tokens(x.w));
  if (String(c.exact.value) !== String(x.n) && document.activeElement !== c.exact) c.exact.value = String(x.n);
  renderScores(v.t, m, x);
  setText(v.lead, leadText(D, m, x));
  setText(v.reach, reachText(D, m, x.w));
  drawMatrix(v.pic, x.n, x.w);
}

export function buildContext(D, data) {
  const byId = byIdOf(data.models);
  const d = data.defaults;
  const windowModel = d.window_model ? byId[d.window_model] : null;
  const st = { model: byId[d.model] ? d.model : data.models[0].id, n: d.length, w: d.window };
  restoreContext(st, data);
  const current = () => ({ n: st.n, model: st.model, w: st.w });
  settleAddress(NS, current());
  const v = {
    c: contextControls(data, st, windowModel),
    lead: h("p", { class: "rs-explain" }),
    t: scoresTable(),
    pic: matrixPicture(),
    reach: h("p", { class: "rs-note" })
  };
  const ui = h("div", { class: "rs-ui" }, [
    h("div", { class: "rs-controls" }, [v.c.nField.wrap, v.c.modelField.wrap, v.c.wField.wrap]),
    liveRegion([v.lead]),
    h("div", { class: "rs-split" }, [scrollBox(
      "Attention scores for a sequence of n tokens: one head in one layer, and a whole model", v.t.table), v.pic.el]),
    v.reach,
    h("p", { class: "rs-note", text: "Counts are scores computed per forward pass of one sequence. Flash " +
      "Attention computes the same scores without storing the matrix; a batch multiplies them." }),
    copyLinkButton(NS, "widget-context", current)
  ]);
  let built = false;
  const update = () => {
    renderContext(D, st, byId[st.model], v);
    if (built) writeParams(NS, current());
  };
  bindContext(v.c, st, update);
  update();
  built = true;
  return ui;
}
