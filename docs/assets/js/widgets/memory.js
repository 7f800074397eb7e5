/* The memory calculator: weights plus KV cache for a model (or a free parameter count), and which device holds it. */

import { NBSP, TIMES, nbytes, num, params, tokens } from "./format.js";

/** Parameter counts with up to two decimals of their scale, and byte counts with one: as the no-JS table prints
 *  them (generator/site/article/widgets.py). */
const PARAMS = { most: 2 };
const BYTES = { digits: 1 };
import {
  binaryStops, byIdOf, field, h, liveRegion, nearest, nextId, paramStops, scrollBox, select, setText, stopSlider
} from "./shared.js";
import { copyLinkButton, oneOf, readParams, settleAddress, wholeIn, writeParams } from "./urlstate.js";

const BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256];
const NS = "mem";
const HW_CAPTION = "Which device holds it: one device, weights plus KV cache";
const CONTEXT_STOPS = binaryStops(1024, 1048576);

const NOTES = "GB = 10\u2079 bytes. Weights and KV cache only: no activations, runtime overhead or quantisation " +
  "scales. Mixture-of-experts models keep every expert in memory. \u201cNeeds N\u201d assumes the bytes split " +
  "evenly over N devices. The longest context is the memory limit, not the length the model was trained for.";

function precisionLabel(data, id) {
  const p = data.precisions.find((x) => x.id === id);
  return p ? p.label : id.toUpperCase();
}

/** One sentence on how a model's attention caches keys and values. */
function attentionShape(D, m) {
  const a = m.attention;
  const kv = m.kv_heads ? num(m.kv_heads) + " KV head" + (m.kv_heads === 1 ? "" : "s") : "";
  let s;
  if (a === "mla") {
    s = "MLA: a " + num(m.mla.kv_lora_rank) + "-number latent plus a " + num(m.mla.rope_dim) + "-number RoPE key";
  } else if (a === "hybrid") {
    s = "Hybrid: " + num(m.attention_layers) + " of " + num(m.layers) + " layers run attention (" + kv + " " +
      TIMES + " " + num(m.head_dim) + ", keys and values); " + num(m.ssm.layers) +
      " Mamba-2 layers keep a fixed state of " + num(D.ssm_state_values(m)) + " numbers";
  } else {
    const name = a === "mha" ? "MHA" : a === "gqa" ? "GQA" : a === "mqa" ? "MQA" : String(a).toUpperCase();
    s = name + ": " + kv + (a === "gqa" ? " shared by " + num(m.heads) + " query heads" : "") + " " + TIMES + " " +
      num(m.head_dim) + ", keys and values";
  }
  if (m.window) s += "; sliding window: at most " + tokens(m.window) + " cached";
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// State and controls
// ---------------------------------------------------------------------------------------------------------------

function initialState(data, byId, disclosed) {
  const d = data.defaults;
  const model = byId[d.model] ? d.model : disclosed[0].id;
  return {
    model, custom: false, shape: model, wp: d.weights, kvp: d.kv, context: d.context, batch: d.batch,
    params: byId[model].params
  };
}

/** Settings from the address (mem.model, mem.params, mem.shape, mem.wp, mem.kvp, mem.context, mem.batch), each
 * checked against what the controls offer; anything else keeps the default. */
function restoreMemory(st, data, byId, disclosed) {
  const q = readParams(NS);
  const ids = disclosed.map((m) => m.id);
  const prec = data.precisions.map((p) => p.id);
  const model = oneOf(q.model, ids.concat(["custom"]));
  if (model === "custom") {
    st.custom = true;
    const stops = paramStops();
    const wanted = wholeIn(q.params, stops[0], stops[stops.length - 1]);
    if (wanted !== undefined) st.params = stops[nearest(stops, wanted)];
    const shape = oneOf(q.shape, [""].concat(ids));
    if (shape !== undefined) st.shape = shape || null;
  } else if (model) {
    st.model = model;
    st.shape = model;
    st.params = byId[model].params;
  }
  st.wp = oneOf(q.wp, prec) || st.wp;
  st.kvp = oneOf(q.kvp, prec) || st.kvp;
  const context = wholeIn(q.context, CONTEXT_STOPS[0], CONTEXT_STOPS[CONTEXT_STOPS.length - 1]);
  if (context !== undefined) st.context = CONTEXT_STOPS[nearest(CONTEXT_STOPS, context)];
  const batch = oneOf(q.batch, BATCHES.map(String));
  if (batch) st.batch = Number(batch);
}

/** What the address keeps of the settings (a model's size and shape follow from the model). */
function memoryParams(st) {
  const out = st.custom ? { model: "custom", params: st.params, shape: st.shape || "" } : { model: st.model };
  return Object.assign(out, { wp: st.wp, kvp: st.kvp, context: st.context, batch: st.batch });
}

function modelOptions(models, disclosed) {
  const options = models.map((m) => (disclosed.includes(m)
    ? { value: m.id, label: m.name }
    : { value: m.id, label: m.name + " (architecture undisclosed)", disabled: true }));
  options.push({ value: "custom", label: "Custom size (use the slider)" });
  return options;
}

function shapeOptions(disclosed) {
  return [{ value: "", label: "None: weights only" }].concat(disclosed.map((m) => ({ value: m.id, label: m.name })));
}

function batchOptions() {
  return BATCHES.map((b) => ({ value: String(b), label: b === 1 ? "1 sequence" : num(b) + " sequences" }));
}

/** Every control with its labelled field; the shape picker shows only for a custom size. */
function memoryControls(data, st, disclosed) {
  const ids = {
    model: nextId("mem-model"), params: nextId("mem-params"), wp: nextId("mem-wp"), kvp: nextId("mem-kvp"),
    context: nextId("mem-context"), batch: nextId("mem-batch"), shape: nextId("mem-shape")
  };
  const precOptions = data.precisions.map((p) => ({ value: p.id, label: p.label }));
  const c = {
    modelSel: select(ids.model, modelOptions(data.models, disclosed), st.model),
    params: stopSlider(ids.params, paramStops(), st.params, (v) => params(v, PARAMS) + " parameters"),
    wpSel: select(ids.wp, precOptions, st.wp),
    kvpSel: select(ids.kvp, precOptions, st.kvp),
    context: stopSlider(ids.context, CONTEXT_STOPS, st.context, tokens),
    batchSel: select(ids.batch, batchOptions(), String(st.batch)),
    shapeSel: select(ids.shape, shapeOptions(disclosed), st.shape || "")
  };
  if (st.custom) c.modelSel.value = "custom";
  c.modelField = field("Model", c.modelSel);
  c.paramsField = field("Parameters", c.params.input);
  c.wpField = field("Weights in", c.wpSel);
  c.kvpField = field("KV cache in", c.kvpSel);
  c.contextField = field("Context length", c.context.input);
  c.batchField = field("Batch", c.batchSel);
  c.shapeField = field("KV-cache shape from", c.shapeSel);
  c.shapeField.wrap.hidden = true;
  c.el = [
    h("div", { class: "rs-controls" }, [c.modelField.wrap, c.paramsField.wrap, c.shapeField.wrap]),
    h("div", { class: "rs-controls rs-controls--small" }, [c.wpField.wrap, c.kvpField.wrap, c.batchField.wrap]),
    h("div", { class: "rs-controls rs-controls--one" }, [c.contextField.wrap])
  ];
  return c;
}

/** Picking a model sets its size and shape; moving the size slider makes it a custom size. */
function bindMemory(c, st, byId, update) {
  c.modelSel.addEventListener("change", () => {
    if (c.modelSel.value === "custom") {
      st.custom = true;
    } else {
      st.custom = false;
      st.model = c.modelSel.value;
      st.shape = st.model;
      c.shapeSel.value = st.shape;
      st.params = byId[st.model].params;
      c.params.set(st.params);
    }
    update();
  });
  c.params.input.addEventListener("input", () => {
    st.params = c.params.fromInput();
    if (!st.custom) {
      st.custom = true;
      c.modelSel.value = "custom";
    }
    update();
  });
  c.shapeSel.addEventListener("change", () => { st.shape = c.shapeSel.value || null; update(); });
  c.wpSel.addEventListener("change", () => { st.wp = c.wpSel.value; update(); });
  c.kvpSel.addEventListener("change", () => { st.kvp = c.kvpSel.value; update(); });
  c.context.input.addEventListener("input", () => { st.context = c.context.fromInput(); update(); });
  c.batchSel.addEventListener("change", () => { st.batch = Number(c.batchSel.value); update(); });
}

// ---------------------------------------------------------------------------------------------------------------
// The result: architecture line, warnings, the three figures, the stacked bar and the device table
// ---------------------------------------------------------------------------------------------------------------

function stat(label, cls) {
  const v = h("span", { class: "rs-stat__value" });
  const el = h("div", { class: "rs-stat " + cls }, [h("span", { class: "rs-stat__label", text: label }), v]);
  return { el, v };
}

function memoryResult() {
  const r = {
    arch: h("p", { class: "rs-arch" }),
    warn: h("p", { class: "rs-note rs-warn" }),
    fW: stat("Weights", "rs-stat--w"),
    fK: stat("KV cache", "rs-stat--k"),
    fT: stat("Total", "rs-stat--t"),
    verdict: h("p", { class: "rs-verdict" }),
    segW: h("span", { class: "rs-stack__w" }),
    segK: h("span", { class: "rs-stack__k" })
  };
  r.summary = liveRegion([h("div", { class: "rs-stats" }, [r.fW.el, r.fK.el, r.fT.el]), r.verdict]);
  r.stack = h("div", { class: "rs-stack", "aria-hidden": "true" }, [r.segW, r.segK]);
  return r;
}

function hardwareRow(hw) {
  const fill = h("span", { class: "rs-meter__fill" });
  const row = {
    hw,
    verdict: h("span", { class: "rs-hw__verdict" }),
    meter: h("span", { class: "rs-meter", "aria-hidden": "true" }, [fill]),
    fill,
    longest: h("td", { class: "rs-hw__longest" })
  };
  row.tr = h("tr", null, [
    h("th", { scope: "row" }, [
      h("span", { class: "rs-hw__name", text: hw.name }),
      h("span", { class: "rs-hw__mem", text: num(hw.memory_gb) + NBSP + "GB" })
    ]),
    h("td", { class: "rs-hw__fit" }, [row.verdict, row.meter]),
    row.longest
  ]);
  return row;
}

function hardwareTable(hardware) {
  const rows = hardware.map(hardwareRow);
  const table = h("table", { class: "rs-table rs-hw" }, [
    h("caption", { text: HW_CAPTION }),
    h("thead", null, [h("tr", null, [
      h("th", { scope: "col", text: "Device" }),
      h("th", { scope: "col", text: "These settings" }),
      h("th", { scope: "col", text: "Longest context on one" })
    ])]),
    h("tbody", null, rows.map((row) => row.tr))
  ]);
  return { table, rows };
}

// ---------------------------------------------------------------------------------------------------------------
// Computing and rendering
// ---------------------------------------------------------------------------------------------------------------

/** The model (none for a custom size), the shape the KV cache takes, and the bytes. */
function computeMemory(D, byId, st) {
  const model = st.custom ? null : byId[st.model];
  const shape = st.custom ? (st.shape ? byId[st.shape] : null) : model;
  const weights = D.weight_bytes(st.params, st.wp);
  const kv = shape ? D.kv_bytes_per_sequence(shape, st.context, st.kvp, st.batch) : null;
  return { model, shape, weights, kv, total: weights + (kv || 0) };
}

function archText(D, data, st, shape) {
  if (!shape) {
    return "A free parameter count has no attention shape, so no KV cache: pick a model\u2019s shape " +
      "under \u201cKV-cache shape from\u201d to add one.";
  }
  return (st.custom ? "KV cache with the shape of " + shape.name + ". " : "") +
    attentionShape(D, shape) + ": " + num(D.kv_values_per_token_per_layer(shape)) +
    " numbers per token per layer " + TIMES + " " + num(D.attention_layer_count(shape)) +
    " attention layers = " + num(D.kv_bytes_per_token(shape, st.kvp)) + " bytes per token in " +
    precisionLabel(data, st.kvp) + ".";
}

function warnings(st, model, shape) {
  const out = [];
  if (model && model.moe) {
    out.push("Mixture of experts: all " + params(model.params, PARAMS) + " parameters stay in memory, " +
      "though each token uses about " + params(model.moe.active_params, PARAMS) + ".");
  }
  if (shape && st.context > shape.context) {
    out.push(shape.name + " was built for up to " + tokens(shape.context) +
      "; longer contexts here are arithmetic only.");
  }
  return out;
}

function renderStats(r, calc) {
  const { weights, kv, total } = calc;
  setText(r.fW.v, nbytes(weights, BYTES));
  setText(r.fK.v, kv === null ? "needs a model\u2019s shape" : nbytes(kv, BYTES));
  r.fK.el.classList.toggle("rs-stat--na", kv === null);
  setText(r.fT.v, nbytes(total, BYTES) + (kv === null ? " (weights only)" : ""));
  r.segW.style.width = (100 * weights / total) + "%";
  r.segK.style.width = (100 * (kv || 0) / total) + "%";
}

/** The longest context one device holds, and whether it passes the model's own limit. */
function longestContext(D, st, shape, weights, mem) {
  if (!shape) return { text: "\u2014", beyond: false };
  const fixedBytes = weights + D.ssm_state_bytes(shape, st.kvp) * st.batch;
  const mc = D.max_context(shape, mem, st.wp, st.kvp, st.batch, st.params);
  let text;
  if (!D.fits(fixedBytes, mem)) text = "weights don\u2019t fit";
  else if (mc === Infinity) text = "any length (window of " + num(shape.window) + ")";
  else text = tokens(mc);
  return { text, beyond: mc !== Infinity && mc > shape.context };
}

/** One device's row; returns whether the total fits on it. */
function renderHardwareRow(D, st, calc, row) {
  const mem = row.hw.memory_gb;
  const used = calc.total / (mem * D.GB);
  const ok = D.fits(calc.total, mem);
  setText(row.verdict, ok ? "Fits (" + num(Math.round(used * 100)) + "% used)"
    : "Needs " + num(D.devices_needed(calc.total, mem)));
  row.tr.className = ok ? "rs-hw--fits" : "rs-hw--over";
  row.fill.style.width = Math.min(100, used * 100) + "%";
  const longest = longestContext(D, st, calc.shape, calc.weights, mem);
  setText(row.longest, longest.text);
  if (longest.beyond) {
    row.longest.appendChild(h("span", {
      class: "rs-hw__note", text: "past the model\u2019s " + num(calc.shape.context) + "-token limit"
    }));
  }
  return ok;
}

function verdictText(fitting, count) {
  if (!fitting.length) return "None of the " + num(count) + " devices listed holds it alone.";
  const smallest = fitting.slice().sort((a, b) => a.memory_gb - b.memory_gb)[0];
  return num(fitting.length) + " of the " + num(count) + " devices listed " +
    (fitting.length === 1 ? "holds" : "hold") + " it alone; the smallest is the " + smallest.name + " (" +
    num(smallest.memory_gb) + NBSP + "GB).";
}

function renderMemory(D, data, st, view, calc) {
  const { c, r, hw } = view;
  setText(c.paramsField.out, params(st.params, PARAMS));
  setText(c.contextField.out, tokens(st.context));
  c.shapeField.wrap.hidden = !st.custom;
  setText(r.arch, archText(D, data, st, calc.shape));
  const warned = warnings(st, calc.model, calc.shape);
  setText(r.warn, warned.join(" "));
  r.warn.hidden = warned.length === 0;
  renderStats(r, calc);
  const fitting = hw.rows.filter((row) => renderHardwareRow(D, st, calc, row)).map((row) => row.hw);
  setText(r.verdict, verdictText(fitting, hw.rows.length));
}

export function buildMemory(D, data) {
  const byId = byIdOf(data.models);
  const disclosed = data.models.filter(D.disclosed);  // derive.js: the one rule (derive.py disclosed)
  const st = initialState(data, byId, disclosed);
  restoreMemory(st, data, byId, disclosed);
  settleAddress(NS, memoryParams(st));
  const c = memoryControls(data, st, disclosed);
  const r = memoryResult();
  const hw = hardwareTable(data.hardware);
  const ui = h("div", { class: "rs-ui" }, c.el.concat([
    r.arch, r.warn, r.summary, r.stack, scrollBox(HW_CAPTION, hw.table),
    h("p", { class: "rs-note" }, [NOTES]), copyLinkButton(NS, "widget-memory", () => memoryParams(st))
  ]));
  let built = false;
  const update = () => {
    renderMemory(D, data, st, { c, r, hw }, computeMemory(D, byId, st));
    if (built) writeParams(NS, memoryParams(st));
  };
  bindMemory(c, st, byId, update);
  update();
  built = true;
  return ui;
}
