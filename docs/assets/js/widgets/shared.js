/* DOM helpers and slider stops shared by the widgets. Text always goes through textContent: catalog strings are
 * never parsed as HTML. */

let uid = 0;

function setAttrs(el, attrs) {
  for (const k of Object.keys(attrs || {})) {
    const v = attrs[k];
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
}

/** h("p", {class: "rs-note", text: "..."}, [children]): an HTML element; null, undefined and false are skipped. */
export function h(tag, attrs, children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  for (const c of children || []) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return el;
}

export function svg(tag, attrs) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const k of Object.keys(attrs)) el.setAttribute(k, String(attrs[k]));
  return el;
}

/** A page-unique id: "rs-" + base + "-" + a counter. */
export function nextId(base) {
  let id;
  do {
    uid += 1;
    id = "rs-" + base + "-" + uid;
  } while (document.getElementById(id));
  return id;
}

export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** The catalog entries of a list by id. */
export function byIdOf(items) {
  const byId = {};
  for (const m of items) byId[m.id] = m;
  return byId;
}

/** A labelled control: <label for> above, the control, and an optional value read-out. */
export function field(labelText, control, extra) {
  const out = h("output", { class: "rs-value", for: control.id, "aria-hidden": "true" });
  const wrap = h("div", { class: "rs-field" }, [
    h("div", { class: "rs-field__head" }, [h("label", { for: control.id, text: labelText }), out]),
    control
  ].concat(extra || []));
  return { wrap, out };
}

/** A <select> of {value, label, disabled} options, set to value. */
export function select(id, options, value) {
  const el = h("select", { id, class: "rs-select" });
  for (const o of options) el.appendChild(h("option", { value: o.value, disabled: o.disabled || null, text: o.label }));
  el.value = value;
  return el;
}

/** A box a wide table scrolls sideways in (on a phone, or in a fallback font): a labelled region and a tab stop, so
 * a keyboard can scroll it too (as generator/site/article/widgets.py writes the no-script tables). */
export function scrollBox(label, child) {
  return h("div", { class: "rs-scroll", role: "region", tabindex: "0", "aria-label": label }, [child]);
}

/** The aria-live region a widget's result sentences go in. */
export function liveRegion(children) {
  return h("div", { class: "rs-summary", "aria-live": "polite", "aria-atomic": "true" }, children);
}

/** A range input over a list of stops (log-spaced values): ArrowLeft/Right step, Home/End jump to the ends. */
export function stopSlider(id, stops, value, describe) {
  const valueText = (v) => describe(v).replace(/\u00a0/g, " ");
  const input = h("input", {
    id, class: "rs-range", type: "range", min: 0, max: stops.length - 1, step: 1
  });
  const api = {
    input,
    stops,
    value,
    set(v) {
      api.value = v;
      input.value = String(nearest(stops, v));
      input.setAttribute("aria-valuetext", valueText(v));
    },
    fromInput() {
      api.value = stops[Number(input.value)];
      input.setAttribute("aria-valuetext", valueText(api.value));
      return api.value;
    }
  };
  api.set(value);
  return api;
}

/** The index of the stop nearest to v on a log scale. */
export function nearest(stops, v) {
  let best = 0;
  let bestDist = Infinity;
  const lv = Math.log(Math.max(v, 1e-300));
  for (let i = 0; i < stops.length; i++) {
    const d = Math.abs(Math.log(stops[i]) - lv);
    if (d < bestDist) {
      best = i;
      bestDist = d;
    }
  }
  return best;
}

/** 2^k and 3 x 2^(k-1) from lo to hi: 1,024, 1,536, 2,048, 3,072 ... (exact powers of two stay reachable). */
export function binaryStops(lo, hi) {
  const out = [];
  for (let p = 1; p <= hi; p *= 2) {
    if (p >= lo) out.push(p);
    if (p * 1.5 >= lo && p * 1.5 <= hi && p * 1.5 === Math.floor(p * 1.5)) out.push(p * 1.5);
  }
  return out.filter((x, i, a) => a.indexOf(x) === i).sort((a, b) => a - b);
}

/** 100M .. 2T parameters, 14 round values per decade. */
export function paramStops() {
  const mant = [1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 9];
  const out = [];
  for (let e = 8; e <= 12; e++) {
    for (const m of mant) {
      const v = Math.round(m * Math.pow(10, e));
      if (v <= 2e12) out.push(v);
    }
  }
  return out;
}
