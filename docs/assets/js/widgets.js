/* The Race to Scale: interactive widgets (memory calculator, Attention | Mamba, context explorer).
 *
 * Plain JavaScript, no dependencies. Each widget is a <div class="rs-widget" data-rs-widget="NAME"> written by
 * generator/widgets.py, holding the catalog data it needs as JSON in <template class="rs-data"> (inert, and left
 * alone by Material's instant navigation, which re-runs inline scripts) and a static fallback table (.rs-fallback).
 * This file builds the controls, marks the container .rs-ready (the CSS then hides the fallback) and computes
 * everything with window.RaceDerive (docs/assets/js/derive.js, a mirror of generator/derive.py). Numbers are
 * formatted like generator/pages.py formats them in the prose.
 *
 * Runs on every page load and after Material's instant navigation (document$), and never binds a widget twice.
 */
(function () {
  "use strict";

  var NBSP = "\u00a0";
  var TIMES = "\u00d7";
  var uid = 0;

  // ------------------------------------------------------------------------------------------------------------
  // Number formatting (mirrors num, gb and params in generator/pages.py)
  // ------------------------------------------------------------------------------------------------------------

  var formatters = {};

  function fixed(x, digits) {
    var f = formatters[digits];
    if (!f) {
      // Python's format() rounds exact ties to even; so does this where the browser supports roundingMode.
      f = formatters[digits] = new Intl.NumberFormat("en-US", {
        minimumFractionDigits: digits, maximumFractionDigits: digits, roundingMode: "halfEven"
      });
    }
    return f.format(x);
  }

  function strip(s) {
    return s.indexOf(".") >= 0 ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
  }

  function autoDigits(x) {
    var ax = Math.abs(x);
    if (ax >= 100 || ax === 0) return 0;
    if (ax >= 10) return 1;
    if (ax >= 1) return 2;
    return Math.max(2, 1 - Math.floor(Math.log10(ax)) + 1);
  }

  /** 131072 -> "131,072"; 7.6 -> "7.6"; Infinity -> "unlimited". */
  function num(x, digits) {
    if (x === Infinity) return "unlimited";
    if (typeof x === "bigint") return x.toLocaleString("en-US");
    if (digits === undefined || digits === null) {
      if (Number.isInteger(x)) return fixed(x, 0);
      return strip(fixed(x, autoDigits(x)));
    }
    return fixed(x, digits);
  }

  /** Bytes in decimal GB with one decimal ("141.1 GB"), or MB / kB / bytes when smaller than that. */
  function size(bytes) {
    if (bytes >= 1e9) return num(bytes / 1e9, 1) + NBSP + "GB";
    if (bytes >= 1e6) return num(bytes / 1e6, 1) + NBSP + "MB";
    if (bytes >= 1e3) return num(bytes / 1e3, 1) + NBSP + "kB";
    return num(bytes) + NBSP + "bytes";
  }

  var SCALES = [[1e15, "quadrillion"], [1e12, "trillion"], [1e9, "billion"], [1e6, "million"], [1e3, "thousand"]];

  /** 70.55e9 -> "70.55 billion"; 117e6 -> "117 million" (up to two decimals). */
  function paramsText(x) {
    for (var i = 1; i < SCALES.length; i++) {
      if (x >= SCALES[i][0]) return strip(fixed(x / SCALES[i][0], 2)) + NBSP + SCALES[i][1];
    }
    return num(x);
  }

  /** A big count in words: 1.1e12 -> "1.1 trillion" (three significant digits). */
  function words(x) {
    var v = typeof x === "bigint" ? Number(x) : x;
    for (var i = 0; i < SCALES.length - 1; i++) {
      if (v >= SCALES[i][0]) {
        var s = v / SCALES[i][0];
        return strip(fixed(s, Math.max(0, 2 - Math.floor(Math.log10(s))))) + NBSP + SCALES[i][1];
      }
    }
    return num(v);
  }

  function tokens(n) {
    return num(n) + NBSP + (n === 1 ? "token" : "tokens");
  }

  function ratioText(a, b) {
    var r = a / b;
    return (r >= 100 ? num(Math.round(r)) : strip(fixed(r, r >= 10 ? 0 : 1))) + TIMES;
  }

  // ------------------------------------------------------------------------------------------------------------
  // DOM helpers (text always goes through textContent: catalog strings are never parsed as HTML)
  // ------------------------------------------------------------------------------------------------------------

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    var k, v;
    if (attrs) {
      for (k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
        v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === "class") el.className = v;
        else if (k === "text") el.textContent = v;
        else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? "" : String(v));
      }
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return el;
  }

  function svg(tag, attrs) {
    var el = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (var k in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, k)) el.setAttribute(k, String(attrs[k]));
    }
    return el;
  }

  function nextId(base) {
    var id;
    do {
      uid += 1;
      id = "rs-" + base + "-" + uid;
    } while (document.getElementById(id));
    return id;
  }

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  /** A labelled control: <label for> above, the control, and an optional value read-out. */
  function field(labelText, control, extra) {
    var out = h("output", { class: "rs-value", for: control.id, "aria-hidden": "true" });
    var wrap = h("div", { class: "rs-field" }, [
      h("div", { class: "rs-field__head" }, [h("label", { for: control.id, text: labelText }), out]),
      control
    ].concat(extra || []));
    return { wrap: wrap, out: out };
  }

  function select(id, options, value) {
    var el = h("select", { id: id, class: "rs-select" });
    options.forEach(function (o) {
      var opt = h("option", { value: o.value, disabled: o.disabled || null, text: o.label });
      el.appendChild(opt);
    });
    el.value = value;
    return el;
  }

  /** A range input over a list of stops (log-spaced values): ArrowLeft/Right step, Home/End jump to the ends. */
  function stopSlider(id, stops, value, describe) {
    var valueText = function (v) { return describe(v).replace(/\u00a0/g, " "); };
    var input = h("input", {
      id: id, class: "rs-range", type: "range", min: 0, max: stops.length - 1, step: 1
    });
    var api = {
      input: input,
      stops: stops,
      value: value,
      set: function (v) {
        api.value = v;
        input.value = String(nearest(stops, v));
        input.setAttribute("aria-valuetext", valueText(v));
      },
      fromInput: function () {
        api.value = stops[Number(input.value)];
        input.setAttribute("aria-valuetext", valueText(api.value));
        return api.value;
      }
    };
    api.set(value);
    return api;
  }

  function nearest(stops, v) {
    var best = 0;
    var bestDist = Infinity;
    var lv = Math.log(Math.max(v, 1e-300));
    for (var i = 0; i < stops.length; i++) {
      var d = Math.abs(Math.log(stops[i]) - lv);
      if (d < bestDist) {
        best = i;
        bestDist = d;
      }
    }
    return best;
  }

  /** 2^k and 3 x 2^(k-1) from lo to hi: 1,024, 1,536, 2,048, 3,072 ... (exact powers of two stay reachable). */
  function binaryStops(lo, hi) {
    var out = [];
    for (var p = 1; p <= hi; p *= 2) {
      if (p >= lo) out.push(p);
      if (p * 1.5 >= lo && p * 1.5 <= hi && p * 1.5 === Math.floor(p * 1.5)) out.push(p * 1.5);
    }
    return out.filter(function (x, i, a) { return a.indexOf(x) === i; }).sort(function (a, b) { return a - b; });
  }

  /** 100M .. 2T parameters, 14 round values per decade. */
  function paramStops() {
    var mant = [1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 9];
    var out = [];
    for (var e = 8; e <= 12; e++) {
      for (var i = 0; i < mant.length; i++) {
        var v = Math.round(mant[i] * Math.pow(10, e));
        if (v <= 2e12) out.push(v);
      }
    }
    return out;
  }

  function isDisclosed(m) {
    return m.disclosed !== false;
  }

  function precisionLabel(data, id) {
    for (var i = 0; i < data.precisions.length; i++) {
      if (data.precisions[i].id === id) return data.precisions[i].label;
    }
    return id.toUpperCase();
  }

  /** One sentence on how a model's attention caches keys and values. */
  function attentionShape(D, m) {
    var a = m.attention;
    var kv = m.kv_heads ? num(m.kv_heads) + " KV head" + (m.kv_heads === 1 ? "" : "s") : "";
    var s;
    if (a === "mla") {
      s = "MLA: a " + num(m.mla.kv_lora_rank) + "-number latent plus a " + num(m.mla.rope_dim) +
        "-number RoPE key";
    } else if (a === "hybrid") {
      s = "Hybrid: " + num(m.attention_layers) + " of " + num(m.layers) + " layers run attention (" + kv + " " +
        TIMES + " " + num(m.head_dim) + ", keys and values); " + num(m.ssm.layers) +
        " Mamba-2 layers keep a fixed state of " + num(D.ssm_state_values(m)) + " numbers";
    } else {
      var name = a === "mha" ? "MHA" : a === "gqa" ? "GQA" : a === "mqa" ? "MQA" : String(a).toUpperCase();
      s = name + ": " + kv + (a === "gqa" ? " shared by " + num(m.heads) + " query heads" : "") + " " + TIMES + " " +
        num(m.head_dim) + ", keys and values";
    }
    if (m.window) s += "; sliding window: at most " + tokens(m.window) + " cached";
    return s;
  }

  // ------------------------------------------------------------------------------------------------------------
  // 1. Memory calculator
  // ------------------------------------------------------------------------------------------------------------

  function buildMemory(D, data) {
    var byId = {};
    data.models.forEach(function (m) { byId[m.id] = m; });
    var disclosed = data.models.filter(isDisclosed);
    var d = data.defaults;
    var st = {
      model: byId[d.model] ? d.model : disclosed[0].id,
      custom: false,
      shape: null,
      wp: d.weights,
      kvp: d.kv,
      context: d.context,
      batch: d.batch
    };
    st.shape = st.model;
    st.params = byId[st.model].params;

    var ids = {
      model: nextId("mem-model"), params: nextId("mem-params"), wp: nextId("mem-wp"), kvp: nextId("mem-kvp"),
      context: nextId("mem-context"), batch: nextId("mem-batch"), shape: nextId("mem-shape")
    };

    var modelOptions = data.models.map(function (m) {
      return isDisclosed(m)
        ? { value: m.id, label: m.name }
        : { value: m.id, label: m.name + " (architecture undisclosed)", disabled: true };
    });
    modelOptions.push({ value: "custom", label: "Custom size (use the slider)" });
    var modelSel = select(ids.model, modelOptions, st.model);
    var modelField = field("Model", modelSel);

    var params = stopSlider(ids.params, paramStops(), st.params, function (v) {
      return paramsText(v) + " parameters";
    });
    var paramsField = field("Parameters", params.input);

    var precOptions = data.precisions.map(function (p) { return { value: p.id, label: p.label }; });
    var wpSel = select(ids.wp, precOptions, st.wp);
    var kvpSel = select(ids.kvp, precOptions, st.kvp);
    var wpField = field("Weights in", wpSel);
    var kvpField = field("KV cache in", kvpSel);

    var context = stopSlider(ids.context, binaryStops(1024, 1048576), st.context, tokens);
    var contextField = field("Context length", context.input);

    var batchSel = select(ids.batch, [1, 2, 4, 8, 16, 32, 64, 128, 256].map(function (b) {
      return { value: String(b), label: b === 1 ? "1 sequence" : num(b) + " sequences" };
    }), String(st.batch));
    var batchField = field("Batch", batchSel);

    var shapeOptions = [{ value: "", label: "None: weights only" }].concat(disclosed.map(function (m) {
      return { value: m.id, label: m.name };
    }));
    var shapeSel = select(ids.shape, shapeOptions, st.shape);
    var shapeField = field("KV-cache shape from", shapeSel);
    shapeField.wrap.hidden = true;

    var arch = h("p", { class: "rs-arch" });
    var warn = h("p", { class: "rs-note rs-warn" });

    var fig = function (label, cls) {
      var v = h("span", { class: "rs-stat__value" });
      var el = h("div", { class: "rs-stat " + cls }, [h("span", { class: "rs-stat__label", text: label }), v]);
      return { el: el, v: v };
    };
    var fW = fig("Weights", "rs-stat--w");
    var fK = fig("KV cache", "rs-stat--k");
    var fT = fig("Total", "rs-stat--t");
    var verdict = h("p", { class: "rs-verdict" });
    var summary = h("div", { class: "rs-summary", "aria-live": "polite", "aria-atomic": "true" }, [
      h("div", { class: "rs-stats" }, [fW.el, fK.el, fT.el]), verdict
    ]);

    var segW = h("span", { class: "rs-stack__w" });
    var segK = h("span", { class: "rs-stack__k" });
    var stack = h("div", { class: "rs-stack", "aria-hidden": "true" }, [segW, segK]);

    var tbody = h("tbody");
    var hwRows = data.hardware.map(function (hw) {
      var meterFill = h("span", { class: "rs-meter__fill" });
      var row = {
        hw: hw,
        verdict: h("span", { class: "rs-hw__verdict" }),
        meter: h("span", { class: "rs-meter", "aria-hidden": "true" }, [meterFill]),
        fill: meterFill,
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
      tbody.appendChild(row.tr);
      return row;
    });
    var table = h("table", { class: "rs-table rs-hw" }, [
      h("caption", { text: "Which device holds it: one device, weights plus KV cache" }),
      h("thead", null, [h("tr", null, [
        h("th", { scope: "col", text: "Device" }),
        h("th", { scope: "col", text: "These settings" }),
        h("th", { scope: "col", text: "Longest context on one" })
      ])]),
      tbody
    ]);

    var notes = h("p", { class: "rs-note" }, [
      "GB = 10\u2079 bytes. Weights and KV cache only: no activations, runtime overhead or quantisation scales. " +
      "Mixture-of-experts models keep every expert in memory. \u201cNeeds N\u201d assumes the bytes split evenly " +
      "over N devices. The longest context is the memory limit, not the length the model was trained for."
    ]);

    var ui = h("div", { class: "rs-ui" }, [
      h("div", { class: "rs-controls" }, [modelField.wrap, paramsField.wrap, shapeField.wrap]),
      h("div", { class: "rs-controls rs-controls--small" }, [wpField.wrap, kvpField.wrap, batchField.wrap]),
      h("div", { class: "rs-controls rs-controls--one" }, [contextField.wrap]),
      arch, warn, summary, stack, h("div", { class: "rs-scroll" }, [table]), notes
    ]);

    function update() {
      var model = st.custom ? null : byId[st.model];
      var shape = st.custom ? (st.shape ? byId[st.shape] : null) : model;
      var weights = D.weight_bytes(st.params, st.wp);
      var kv = shape ? D.kv_bytes_per_sequence(shape, st.context, st.kvp, st.batch) : null;
      var total = weights + (kv || 0);
      var kvLabel = precisionLabel(data, st.kvp);

      setText(paramsField.out, paramsText(st.params));
      setText(contextField.out, tokens(st.context));
      shapeField.wrap.hidden = !st.custom;

      if (shape) {
        var perToken = D.kv_bytes_per_token(shape, st.kvp);
        setText(arch, (st.custom ? "KV cache with the shape of " + shape.name + ". " : "") +
          attentionShape(D, shape) + ": " + num(D.kv_values_per_token_per_layer(shape)) +
          " numbers per token per layer " + TIMES + " " + num(D.attention_layer_count(shape)) +
          " attention layers = " + num(perToken) + " bytes per token in " + kvLabel + ".");
      } else {
        setText(arch, "A free parameter count has no attention shape, so no KV cache: pick a model\u2019s shape " +
          "under \u201cKV-cache shape from\u201d to add one.");
      }
      var warnings = [];
      if (model && model.moe) {
        warnings.push("Mixture of experts: all " + paramsText(model.params) + " parameters stay in memory, " +
          "though each token uses about " + paramsText(model.moe.active_params) + ".");
      }
      if (shape && st.context > shape.context) {
        warnings.push(shape.name + " was built for up to " + tokens(shape.context) +
          "; longer contexts here are arithmetic only.");
      }
      setText(warn, warnings.join(" "));
      warn.hidden = warnings.length === 0;

      setText(fW.v, size(weights));
      setText(fK.v, kv === null ? "needs a model\u2019s shape" : size(kv));
      fK.el.classList.toggle("rs-stat--na", kv === null);
      setText(fT.v, size(total) + (kv === null ? " (weights only)" : ""));
      segW.style.width = (100 * weights / total) + "%";
      segK.style.width = (100 * (kv || 0) / total) + "%";

      var fitting = [];
      hwRows.forEach(function (row) {
        var mem = row.hw.memory_gb;
        var used = total / (mem * D.GB);
        var ok = D.fits(total, mem);
        if (ok) fitting.push(row.hw);
        setText(row.verdict, ok ? "Fits (" + num(Math.round(used * 100)) + "% used)"
          : "Needs " + num(D.devices_needed(total, mem)));
        row.tr.className = ok ? "rs-hw--fits" : "rs-hw--over";
        row.fill.style.width = Math.min(100, used * 100) + "%";
        var longest = "\u2014";
        var beyond = false;
        if (shape) {
          var fixedBytes = weights + D.ssm_state_values(shape) * D.bytes_per_value(st.kvp) * st.batch;
          var mc = D.max_context(shape, mem, st.wp, st.kvp, st.batch, st.params);
          if (!D.fits(fixedBytes, mem)) longest = "weights don\u2019t fit";
          else if (mc === Infinity) longest = "any length (window of " + num(shape.window) + ")";
          else longest = tokens(mc);
          beyond = mc !== Infinity && mc > shape.context;
        }
        setText(row.longest, longest);
        if (beyond) {
          row.longest.appendChild(h("span", {
            class: "rs-hw__note", text: "past the model\u2019s " + num(shape.context) + "-token limit"
          }));
        }
      });
      var smallest = fitting.slice().sort(function (a, b) { return a.memory_gb - b.memory_gb; })[0];
      setText(verdict, fitting.length
        ? num(fitting.length) + " of the " + num(hwRows.length) + " devices listed " +
          (fitting.length === 1 ? "holds" : "hold") + " it alone; the smallest is the " + smallest.name + " (" +
          num(smallest.memory_gb) + NBSP + "GB)."
        : "None of the " + num(hwRows.length) + " devices listed holds it alone.");
    }

    modelSel.addEventListener("change", function () {
      if (modelSel.value === "custom") {
        st.custom = true;
      } else {
        st.custom = false;
        st.model = modelSel.value;
        st.shape = st.model;
        shapeSel.value = st.shape;
        st.params = byId[st.model].params;
        params.set(st.params);
      }
      update();
    });
    params.input.addEventListener("input", function () {
      st.params = params.fromInput();
      if (!st.custom) {
        st.custom = true;
        modelSel.value = "custom";
      }
      update();
    });
    shapeSel.addEventListener("change", function () {
      st.shape = shapeSel.value || null;
      update();
    });
    wpSel.addEventListener("change", function () { st.wp = wpSel.value; update(); });
    kvpSel.addEventListener("change", function () { st.kvp = kvpSel.value; update(); });
    context.input.addEventListener("input", function () { st.context = context.fromInput(); update(); });
    batchSel.addEventListener("change", function () { st.batch = Number(batchSel.value); update(); });

    update();
    return ui;
  }

  // ------------------------------------------------------------------------------------------------------------
  // 2. Attention | Mamba
  // ------------------------------------------------------------------------------------------------------------

  function buildAttentionMamba(D, data) {
    var att = data.attention;
    var hyb = data.ssm;
    var prec = data.precision;
    var stops = binaryStops(1024, 1048576);
    var st = { mode: data.defaults.mode === "mamba" ? "mamba" : "attention", length: data.defaults.length };
    var ids = { length: nextId("am-length") };

    var stateBytes = D.ssm_state_values(hyb) * D.bytes_per_value(prec);
    var fullScale = D.kv_bytes_per_sequence(att, stops[stops.length - 1], prec);

    var buttons = {};
    var group = h("div", { class: "rs-toggle", role: "group", "aria-label": "Show how each one remembers" });
    [["attention", "Attention"], ["mamba", "Mamba"]].forEach(function (b) {
      var btn = h("button", { type: "button", class: "rs-toggle__btn", "data-mode": b[0], text: b[1] });
      btn.addEventListener("click", function () {
        st.mode = b[0];
        update();
      });
      buttons[b[0]] = btn;
      group.appendChild(btn);
    });

    var length = stopSlider(ids.length, stops, st.length, tokens);
    var lengthField = field("Sequence length", length.input);

    function bar(cls, label) {
      var fill = h("span", { class: "rs-bar__fill" });
      var value = h("span", { class: "rs-bar__value" });
      var el = h("div", { class: "rs-bar " + cls }, [
        h("div", { class: "rs-bar__label" }, [h("span", { text: label }), value]),
        h("div", { class: "rs-bar__track" }, [fill])
      ]);
      return { el: el, fill: fill, value: value };
    }
    var bA = bar("rs-bar--attention", "Attention: KV cache of " + att.name);
    var bM = bar("rs-bar--mamba", "Mamba-2: state of " + hyb.name);
    var scale = h("p", { class: "rs-note rs-scale" });
    var text = h("p", { class: "rs-explain" });
    var live = h("div", { class: "rs-summary", "aria-live": "polite", "aria-atomic": "true" }, [text]);
    var chart = h("div", { class: "rs-bars" }, [bA.el, bM.el]);

    var ui = h("div", { class: "rs-ui" }, [
      group, h("div", { class: "rs-controls rs-controls--one" }, [lengthField.wrap]), chart, scale, live,
      h("p", { class: "rs-note", text: "One sequence, " + prec.toUpperCase() + " (2 bytes per number). " +
        "GB = 10\u2079 bytes, MB = 10\u2076 bytes. Bars are drawn to one linear scale." })
    ]);

    function update() {
      var n = st.length;
      var cache = D.kv_bytes_per_sequence(att, n, prec);
      var hybridAll = D.kv_bytes_per_sequence(hyb, n, prec);
      var hybridKv = hybridAll - stateBytes;
      setText(lengthField.out, tokens(n));
      Object.keys(buttons).forEach(function (k) {
        buttons[k].setAttribute("aria-pressed", String(k === st.mode));
      });
      chart.setAttribute("data-mode", st.mode);
      setText(bA.value, size(cache));
      setText(bM.value, size(stateBytes) + ", at any length");
      bA.fill.style.width = (100 * cache / fullScale) + "%";
      bM.fill.style.width = (100 * stateBytes / fullScale) + "%";
      setText(scale, "Full width: " + size(fullScale) + ", the KV cache of " + att.name + " at " +
        tokens(stops[stops.length - 1]) + ".");
      if (st.mode === "attention") {
        setText(text, "Attention keeps the keys and values of every token it has read. " + att.name + " adds " +
          num(D.kv_bytes_per_token(att, prec)) + " bytes per token, so " + tokens(n) + " take " + size(cache) +
          ": " + ratioText(cache, stateBytes) + " the Mamba-2 state, and it keeps growing with every token.");
      } else {
        setText(text, "A Mamba-2 layer folds everything it has read into a state of fixed size. " + hyb.name +
          "\u2019s " + num(hyb.ssm.layers) + " Mamba-2 layers hold " + num(D.ssm_state_values(hyb)) +
          " numbers (" + size(stateBytes) + ") whether the sequence has " + tokens(stops[0]) + " or " +
          tokens(stops[stops.length - 1]) + ". It can forget, so the model also keeps " +
          num(D.attention_layer_count(hyb)) + " attention layers for exact recall: their cache adds " +
          size(hybridKv) + " at " + tokens(n) + ", " + size(hybridAll) + " in all.");
      }
    }

    length.input.addEventListener("input", function () { st.length = length.fromInput(); update(); });
    update();
    return ui;
  }

  // ------------------------------------------------------------------------------------------------------------
  // 3. Context explorer
  // ------------------------------------------------------------------------------------------------------------

  function buildContext(D, data) {
    var byId = {};
    data.models.forEach(function (m) { byId[m.id] = m; });
    var d = data.defaults;
    var windowModel = d.window_model ? byId[d.window_model] : null;
    var st = { model: byId[d.model] ? d.model : data.models[0].id, n: d.length, w: d.window };
    var ids = { n: nextId("cx-n"), exact: nextId("cx-exact"), model: nextId("cx-model"), w: nextId("cx-w") };
    var MAX_N = 1048576;

    var nSlider = stopSlider(ids.n, binaryStops(1, MAX_N), st.n, tokens);
    var exact = h("input", {
      id: ids.exact, class: "rs-number", type: "number", min: 1, max: MAX_N, step: 1, inputmode: "numeric",
      value: st.n
    });
    var exactWrap = h("div", { class: "rs-exact" }, [h("label", { for: ids.exact, text: "Exact length" }), exact]);
    var nField = field("Context length n", nSlider.input, [exactWrap]);

    var modelSel = select(ids.model, data.models.map(function (m) {
      return { value: m.id, label: m.name };
    }), st.model);
    var modelField = field("Model", modelSel);

    var wSlider = stopSlider(ids.w, binaryStops(1, 131072), st.w, function (w) {
      return tokens(w) + (windowModel && w === windowModel.window ? " (" + windowModel.name + ")" : "");
    });
    var wField = field("Sliding window w", wSlider.input);

    var lead = h("p", { class: "rs-explain" });
    var live = h("div", { class: "rs-summary", "aria-live": "polite", "aria-atomic": "true" }, [lead]);

    function row(label, cls) {
      var one = h("td");
      var all = h("td");
      var tr = h("tr", { class: cls }, [h("th", { scope: "row" }, [h("span", { class: "rs-key " + cls }), label]),
        one, all]);
      return { tr: tr, one: one, all: all };
    }
    var rFull = row("Full, n\u00b2", "rs-k-full");
    var rCausal = row("Causal, n(n+1)/2", "rs-k-causal");
    var rWindow = row("Sliding window", "rs-k-window");
    var colAll = h("th", { scope: "col" });
    var table = h("table", { class: "rs-table rs-scores" }, [
      h("caption", { text: "Attention scores for one sequence" }),
      h("thead", null, [h("tr", null, [
        h("th", { scope: "col", text: "Pattern" }), h("th", { scope: "col", text: "One head, one layer" }), colAll
      ])]),
      h("tbody", null, [rFull.tr, rCausal.tr, rWindow.tr])
    ]);

    var pic = svg("svg", { viewBox: "-1 -1 102 102", class: "rs-matrix", role: "img" });
    var picTitle = svg("title", {});
    pic.appendChild(picTitle);
    var picBody = svg("g", {});
    pic.appendChild(picBody);
    var reach = h("p", { class: "rs-note" });

    var ui = h("div", { class: "rs-ui" }, [
      h("div", { class: "rs-controls" }, [nField.wrap, modelField.wrap, wField.wrap]),
      live,
      h("div", { class: "rs-split" }, [h("div", { class: "rs-scroll" }, [table]), pic]),
      reach,
      h("p", { class: "rs-note", text: "Counts are scores computed per forward pass of one sequence. Flash " +
        "Attention computes the same scores without storing the matrix; a batch multiplies them." })
    ]);

    function cellText(td, big) {
      td.textContent = "";
      td.appendChild(h("span", { class: "rs-approx", text: words(big) }));
      if (Number(big) >= 1e6) td.appendChild(h("span", { class: "rs-exactnum", text: num(big) }));
    }

    function drawMatrix(n, w) {
      while (picBody.firstChild) picBody.removeChild(picBody.firstChild);
      picBody.appendChild(svg("rect", { x: 0, y: 0, width: 100, height: 100, class: "rs-m-full" }));
      if (n <= 32) {
        var c = 100 / n;
        for (var i = 0; i < n; i++) {
          for (var j = 0; j <= i; j++) {
            var cls = i - j < w ? "rs-m-window" : "rs-m-causal";
            picBody.appendChild(svg("rect", {
              x: j * c + 0.4, y: i * c + 0.4, width: c - 0.8, height: c - 0.8, class: cls
            }));
          }
        }
        for (var k = 1; k < n; k++) {
          picBody.appendChild(svg("line", { x1: k * c, y1: 0, x2: k * c, y2: 100, class: "rs-m-grid" }));
          picBody.appendChild(svg("line", { x1: 0, y1: k * c, x2: 100, y2: k * c, class: "rs-m-grid" }));
        }
      } else {
        var f = 100 * Math.min(w / n, 1);
        picBody.appendChild(svg("polygon", { points: "0,0 0,100 100,100", class: "rs-m-causal" }));
        picBody.appendChild(svg("polygon", {
          points: "0,0 100,100 " + (100 - f) + ",100 0," + f, class: "rs-m-window"
        }));
      }
      picBody.appendChild(svg("rect", { x: 0, y: 0, width: 100, height: 100, class: "rs-m-frame" }));
      picTitle.textContent = "The " + num(n) + " by " + num(n) + " score matrix: queries down, keys across. " +
        "The causal lower triangle, and inside it the band a window of " + num(w) + " keeps.";
    }

    function update() {
      var n = st.n;
      var w = st.w;
      var m = byId[st.model];
      var matrices = D.attention_matrices(m);
      var full = D.attention_scores(n, "full");
      var causal = D.attention_scores(n, "causal");
      var win = D.attention_scores(n, "window", w);
      var M = BigInt(matrices);

      setText(nField.out, tokens(n));
      setText(wField.out, tokens(w));
      if (String(exact.value) !== String(n) && document.activeElement !== exact) exact.value = String(n);

      colAll.textContent = m.name + ": " + TIMES + " " + num(matrices);
      cellText(rFull.one, BigInt(full));
      cellText(rCausal.one, BigInt(causal));
      cellText(rWindow.one, BigInt(win));
      cellText(rFull.all, BigInt(full) * M);
      cellText(rCausal.all, BigInt(causal) * M);
      cellText(rWindow.all, BigInt(win) * M);
      rWindow.tr.querySelector("th").lastChild.textContent = "Sliding window, w = " + num(w);

      var saving = n > w ? " A window of " + num(w) + " computes " + ratioText(causal, win) +
        " fewer than causal attention." : " The window of " + num(w) + " covers the whole sequence here, so it " +
        "computes the same as causal attention.";
      setText(lead, tokens(n) + ": " + num(full) + " scores per head per layer (n\u00b2), " + num(causal) +
        " with a causal mask. " + m.name + " has " + num(m.heads) + " heads " + TIMES + " " +
        num(D.attention_layer_count(m)) + " attention layers = " + num(matrices) + " score matrices, so " +
        words(BigInt(causal) * M) + " causal scores per sequence." + saving);
      setText(reach, "Stacked windows reach further layer by layer: w " + TIMES + " layers = " + num(w) + " " +
        TIMES + " " + num(m.layers) + " = " + tokens(D.receptive_field(w, m.layers)) +
        " at most, a theoretical span rather than what the model actually uses." +
        (m.window ? " " + m.name + "\u2019s own window is " + tokens(m.window) + "." : ""));
      drawMatrix(n, w);
    }

    nSlider.input.addEventListener("input", function () { st.n = nSlider.fromInput(); update(); });
    exact.addEventListener("input", function () {
      var v = Number(exact.value);
      if (!Number.isInteger(v) || v < 1 || v > MAX_N) {
        exact.setAttribute("aria-invalid", "true");
        return;
      }
      exact.removeAttribute("aria-invalid");
      st.n = v;
      nSlider.set(v);
      update();
    });
    exact.addEventListener("change", function () {
      if (exact.getAttribute("aria-invalid")) {
        exact.value = String(st.n);
        exact.removeAttribute("aria-invalid");
      }
    });
    modelSel.addEventListener("change", function () { st.model = modelSel.value; update(); });
    wSlider.input.addEventListener("input", function () { st.w = wSlider.fromInput(); update(); });
    update();
    return ui;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Boot: every page load and every instant navigation; a container is only ever built once
  // ------------------------------------------------------------------------------------------------------------

  var BUILDERS = { "memory": buildMemory, "attention-mamba": buildAttentionMamba, "context": buildContext };

  function initWidget(node) {
    if (node.getAttribute("data-rs-state")) return;
    var builder = BUILDERS[node.getAttribute("data-rs-widget")];
    var D = window.RaceDerive;
    var island = node.querySelector(".rs-data");
    if (!builder || !D || !island) return;
    node.setAttribute("data-rs-state", "building");
    var ui = null;
    try {
      ui = builder(D, JSON.parse((island.content || island).textContent));
      node.appendChild(ui);
      node.classList.add("rs-ready");
      node.setAttribute("data-rs-state", "ready");
    } catch (err) {
      // Keep the static fallback table; say why in the console without breaking the page.
      if (ui && ui.parentNode) ui.parentNode.removeChild(ui);
      node.setAttribute("data-rs-state", "failed");
      if (window.console && console.warn) console.warn("rs-widget " + node.getAttribute("data-rs-widget"), err);
    }
  }

  // Build all widgets now (RaceWidgets.init(); also where IntersectionObserver is missing).
  function initAll() {
    var nodes = document.querySelectorAll(".rs-widget[data-rs-widget]");
    for (var i = 0; i < nodes.length; i++) initWidget(nodes[i]);
  }

  // Build each widget as it comes within a screen or so of the viewport: the page's first paint and first
  // interaction do not wait for widgets far below (until then the static fallback table is what is there).
  var observer = null;
  function onNear(entries) {
    for (var i = 0; i < entries.length; i++) {
      if (!entries[i].isIntersecting) continue;
      observer.unobserve(entries[i].target);
      initWidget(entries[i].target);
    }
  }
  function initNear() {
    if (!("IntersectionObserver" in window)) { initAll(); return; }
    if (observer) observer.disconnect();
    observer = new IntersectionObserver(onNear, { rootMargin: "100% 0px 100% 0px" });
    var nodes = document.querySelectorAll(".rs-widget[data-rs-widget]");
    for (var i = 0; i < nodes.length; i++) {
      if (!nodes[i].getAttribute("data-rs-state")) observer.observe(nodes[i]);
    }
  }

  function boot() {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(function () { initNear(); });
    } else {
      initNear();
    }
  }

  window.RaceWidgets = { init: initAll, format: { num: num, size: size, paramsText: paramsText, words: words } };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boot);
  } else {
    boot();
  }
})();
