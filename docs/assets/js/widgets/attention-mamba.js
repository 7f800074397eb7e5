/* Attention | Mamba: the KV cache of an attention model grows with every token; a Mamba-2 state stays fixed. */

import { nbytes, num, times, tokens } from "./format.js";

/** Byte counts with one decimal of their unit, as the no-JS table prints them (generator/site/widgets.py). */
const BYTES = { digits: 1 };
import { binaryStops, field, h, liveRegion, nearest, nextId, setText, stopSlider } from "./shared.js";
import { copyLinkButton, oneOf, readParams, wholeIn, writeParams } from "./urlstate.js";

const MODES = [["attention", "Attention"], ["mamba", "Mamba"]];
const NS = "am";

/** am.mode and am.length from the address, if valid (the length snapped to the slider's stops). */
function restoreAttentionMamba(st, stops) {
  const q = readParams(NS);
  st.mode = oneOf(q.mode, MODES.map((m) => m[0])) || st.mode;
  const length = wholeIn(q.length, stops[0], stops[stops.length - 1]);
  if (length !== undefined) st.length = stops[nearest(stops, length)];
}

/** The Attention / Mamba toggle: one pressed button at a time. */
function modeToggle(st, update) {
  const buttons = {};
  const group = h("div", { class: "rs-toggle", role: "group", "aria-label": "Show how each one remembers" });
  for (const [mode, label] of MODES) {
    const btn = h("button", { type: "button", class: "rs-toggle__btn", "data-mode": mode, text: label });
    btn.addEventListener("click", () => {
      st.mode = mode;
      update();
    });
    buttons[mode] = btn;
    group.appendChild(btn);
  }
  return { group, buttons };
}

function bar(cls, label) {
  const fill = h("span", { class: "rs-bar__fill" });
  const value = h("span", { class: "rs-bar__value" });
  const el = h("div", { class: "rs-bar " + cls }, [
    h("div", { class: "rs-bar__label" }, [h("span", { text: label }), value]),
    h("div", { class: "rs-bar__track" }, [fill])
  ]);
  return { el, fill, value };
}

/** The numbers for sequence length n: the attention model's cache, the hybrid's state and its attention cache. */
function computeMemories(D, m, n) {
  const cache = D.kv_bytes_per_sequence(m.att, n, m.prec);
  const hybridAll = D.kv_bytes_per_sequence(m.hyb, n, m.prec);
  return { n, cache, hybridAll, hybridKv: hybridAll - m.stateBytes };
}

function attentionText(D, m, x) {
  return "Attention keeps the keys and values of every token it has read. " + m.att.name + " adds " +
    num(D.kv_bytes_per_token(m.att, m.prec)) + " bytes per token, so " + tokens(x.n) + " take " +
    nbytes(x.cache, BYTES) + ": " + times(x.cache / m.stateBytes) + " the Mamba-2 state, and it keeps growing " +
    "with every token.";
}

function mambaText(D, m, x) {
  const hyb = m.hyb;
  return "A Mamba-2 layer folds everything it has read into a state of fixed size. " + hyb.name +
    "\u2019s " + num(hyb.ssm.layers) + " Mamba-2 layers hold " + num(D.ssm_state_values(hyb)) +
    " numbers (" + nbytes(m.stateBytes, BYTES) + ") whether the sequence has " + tokens(m.stops[0]) + " or " +
    tokens(m.stops[m.stops.length - 1]) + ". It can forget, so the model also keeps " +
    num(D.attention_layer_count(hyb)) + " attention layers for exact recall: their cache adds " +
    nbytes(x.hybridKv, BYTES) + " at " + tokens(x.n) + ", " + nbytes(x.hybridAll, BYTES) + " in all.";
}

function renderBars(m, v, x) {
  v.chart.setAttribute("data-mode", m.st.mode);
  setText(v.bA.value, nbytes(x.cache, BYTES));
  setText(v.bM.value, nbytes(m.stateBytes, BYTES) + ", at any length");
  v.bA.fill.style.width = (100 * x.cache / m.fullScale) + "%";
  v.bM.fill.style.width = (100 * m.stateBytes / m.fullScale) + "%";
  setText(v.scale, "Full width: " + nbytes(m.fullScale, BYTES) + ", the KV cache of " + m.att.name + " at " +
    tokens(m.stops[m.stops.length - 1]) + ".");
}

function renderAttentionMamba(D, m, v) {
  const x = computeMemories(D, m, m.st.length);
  setText(v.lengthField.out, tokens(x.n));
  for (const k of Object.keys(v.toggle.buttons)) {
    v.toggle.buttons[k].setAttribute("aria-pressed", String(k === m.st.mode));
  }
  renderBars(m, v, x);
  setText(v.text, m.st.mode === "attention" ? attentionText(D, m, x) : mambaText(D, m, x));
}

export function buildAttentionMamba(D, data) {
  const stops = binaryStops(1024, 1048576);
  const st = { mode: data.defaults.mode === "mamba" ? "mamba" : "attention", length: data.defaults.length };
  restoreAttentionMamba(st, stops);
  const current = () => ({ mode: st.mode, length: st.length });
  const ids = { length: nextId("am-length") };
  // What does not change with the controls: the two models, the state's size and the scale the bars are drawn to.
  const m = { st, stops, att: data.attention, hyb: data.ssm, prec: data.precision };
  m.stateBytes = D.ssm_state_bytes(m.hyb, m.prec); // in the model's own state precision (float32 for Nemotron)
  m.fullScale = D.kv_bytes_per_sequence(m.att, stops[stops.length - 1], m.prec);

  const length = stopSlider(ids.length, stops, st.length, tokens);
  const v = {
    toggle: modeToggle(st, update),
    lengthField: field("Sequence length", length.input),
    bA: bar("rs-bar--attention", "Attention: KV cache of " + m.att.name),
    bM: bar("rs-bar--mamba", "Mamba-2: state of " + m.hyb.name),
    scale: h("p", { class: "rs-note rs-scale" }),
    text: h("p", { class: "rs-explain" })
  };
  v.chart = h("div", { class: "rs-bars" }, [v.bA.el, v.bM.el]);

  const ui = h("div", { class: "rs-ui" }, [
    v.toggle.group, h("div", { class: "rs-controls rs-controls--one" }, [v.lengthField.wrap]), v.chart, v.scale,
    liveRegion([v.text]),
    h("p", { class: "rs-note", text: "One sequence, " + m.prec.toUpperCase() + " (2 bytes per number). " +
      "GB = 10\u2079 bytes, MB = 10\u2076 bytes. Bars are drawn to one linear scale." }),
    copyLinkButton(NS, "widget-attention-mamba", current)
  ]);

  let built = false;
  function update() {
    renderAttentionMamba(D, m, v);
    if (built) writeParams(NS, current());
  }
  length.input.addEventListener("input", () => { st.length = length.fromInput(); update(); });
  update();
  built = true;
  return ui;
}
