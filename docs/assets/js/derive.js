/* Derived quantities for the in-browser widgets: a line-for-line mirror of generator/derive.py.
 *
 * Each function keeps the Python name, argument order, defaults and errors, so a widget computes exactly what the
 * build computed (tests/docs/test_js_parity.py runs both on a grid of inputs and compares). Change the two together.
 *
 * Units: bytes, tokens and parameters are plain counts; GB = 10**9 bytes and GiB = 2**30 bytes.
 * Works in the browser (window.RaceDerive) and in Node (module.exports); no build step, no dependencies.
 *
 * JavaScript numbers are IEEE doubles, like Python floats, so float arithmetic done in the same order gives the same
 * bits. Python ints are unbounded and JavaScript's are not: the integer functions throw a RangeError rather than
 * return a rounded count once a result passes Number.MAX_SAFE_INTEGER (2**53 - 1), e.g. attention_scores beyond
 * about 94 million tokens. Callers multiplying large counts use BigInt (see widgets/context.js).
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  }
  if (root && typeof root === "object") {
    root.RaceDerive = api;
  }
})(typeof window !== "undefined" ? window : null, function () {
  "use strict";

  var GB = 1e9;
  var GiB = 1073741824; // 2**30

  /** Bytes per stored value for each precision name the article and the calculators use. */
  var BYTES_PER_VALUE = Object.freeze({
    fp32: 4.0,
    fp16: 2.0,
    bf16: 2.0,
    fp8: 1.0,
    int8: 1.0,
    int4: 0.5,
    fp4: 0.5
  });

  /** Python's ValueError. */
  function ValueError(message) {
    var err = new Error(message);
    Object.setPrototypeOf(err, ValueError.prototype);
    return err;
  }
  ValueError.prototype = Object.create(Error.prototype, {
    constructor: { value: ValueError },
    name: { value: "ValueError" }
  });

  /** Raised when a quantity is undefined for a model (an undisclosed architecture, an MoE parameter recount...). */
  function NotApplicable(message) {
    var err = new Error(message);
    Object.setPrototypeOf(err, NotApplicable.prototype);
    return err;
  }
  NotApplicable.prototype = Object.create(ValueError.prototype, {
    constructor: { value: NotApplicable },
    name: { value: "NotApplicable" }
  });

  function has(obj, key) {
    return obj !== null && typeof obj === "object" && Object.prototype.hasOwnProperty.call(obj, key);
  }

  /** Python truthiness of model.get(key): absent, null, 0, "" and false are all falsy. */
  function get(model, key) {
    return has(model, key) ? model[key] : undefined;
  }

  /** An exact integer result, or a RangeError where Python would keep going with a big int. */
  function exact(value, what) {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(what + " = " + value + " is beyond the exact integer range of JavaScript numbers");
    }
    return value;
  }

  function bytes_per_value(precision) {
    if (has(BYTES_PER_VALUE, precision)) {
      return BYTES_PER_VALUE[precision];
    }
    throw ValueError("unknown precision " + JSON.stringify(precision) + "; expected one of " +
      Object.keys(BYTES_PER_VALUE).sort().join(", "));
  }

  /** Whether a model's architecture and size are published (derive.py ``disclosed``: not flagged false, and with
   *  a parameter count, which a figure's slice of some fields keeps for disclosed models only). */
  function disclosed(model) {
    return get(model, "disclosed") !== false && get(model, "params") !== undefined;
  }

  function _require_disclosed(model) {
    if (get(model, "disclosed") === false) {  // the flag itself (derive.py: a dict that is no model fails on a field)
      throw NotApplicable((get(model, "name") || "model") + ": architecture undisclosed");
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Parameters
  // ------------------------------------------------------------------------------------------------------------

  /** Bytes to hold `params` weights in `precision`: weights only, no scales, activations or KV cache. */
  function weight_bytes(params, precision) {
    if (!(params > 0) || !Number.isFinite(params)) {
      throw ValueError("params must be a positive finite number, got " + params);
    }
    return params * bytes_per_value(precision);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Attention scores
  // ------------------------------------------------------------------------------------------------------------

  /** Scores one head computes in one layer for a sequence of `n` tokens (kind: full, causal or window). */
  function attention_scores(n, kind, window) {
    if (kind === undefined) kind = "full";
    if (window === undefined) window = null;
    if (n < 0) {
      throw ValueError("n must be >= 0, got " + n);
    }
    if (kind === "full") {
      return exact(n * n, "n * n");
    }
    if (kind === "causal") {
      return exact(n * (n + 1), "n * (n + 1)") / 2;
    }
    if (kind === "window") {
      if (window === null || window <= 0) {
        throw ValueError("a sliding window needs window > 0");
      }
      if (n <= window) {
        return exact(n * (n + 1), "n * (n + 1)") / 2;
      }
      return exact(exact(window * (window + 1), "window * (window + 1)") / 2 + (n - window) * window,
        "window scores");
    }
    throw ValueError("unknown kind " + JSON.stringify(kind));
  }

  /** Score matrices per forward pass of one sequence: one per head per attention layer. */
  function attention_matrices(model) {
    _require_disclosed(model);
    return model.heads * attention_layer_count(model);
  }

  /** Layers that run attention (all of them, except in hybrids where most layers are SSM or FFN). */
  function attention_layer_count(model) {
    _require_disclosed(model);
    return get(model, "attention") === "hybrid" ? model.attention_layers : model.layers;
  }

  /** Theoretical reach of stacked sliding windows: each layer lets information hop one window further. */
  function receptive_field(window, layers) {
    if (window <= 0 || layers <= 0) {
      throw ValueError("window and layers must be positive");
    }
    return window * layers;
  }

  // ------------------------------------------------------------------------------------------------------------
  // KV cache and SSM state
  // ------------------------------------------------------------------------------------------------------------

  /** A model whose cache the formulas cannot express says so in cache_unmodelled: NotApplicable, never a number. */
  function _require_cache_formula(model) {
    if (get(model, "cache_unmodelled")) {
      throw NotApplicable((get(model, "name") || "model") + ": KV cache not expressible by the formula");
    }
  }

  /** Numbers cached per token in one attention layer (MLA, alone or in a hybrid: the latent plus the RoPE key). */
  function kv_values_per_token_per_layer(model) {
    _require_disclosed(model);
    _require_cache_formula(model);
    if (model.attention === "mla" || get(model, "mla")) {
      return model.mla.kv_lora_rank + model.mla.rope_dim;
    }
    return 2 * model.kv_heads * model.head_dim;
  }

  /** What plain multi-head attention with the model's query heads would cache: 2 x heads x head_dim. */
  function mha_values_per_token_per_layer(model) {
    _require_disclosed(model);
    return 2 * model.heads * model.head_dim;
  }

  /** KV-cache bytes each new token adds, across all attention layers, for one sequence. */
  function kv_bytes_per_token(model, precision) {
    if (precision === undefined) precision = "bf16";
    return attention_layer_count(model) * kv_values_per_token_per_layer(model) * bytes_per_value(precision);
  }

  /** Attention layers with a bounded window: window_layers, else all attention layers when `window` is set. */
  function windowed_layer_count(model) {
    _require_disclosed(model);
    if (!get(model, "window")) {
      return 0;
    }
    return get(model, "window_layers") || attention_layer_count(model);
  }

  /** KV-cache bytes each token adds once every window is full: the global layers only. */
  function kv_growth_bytes_per_token(model, precision) {
    if (precision === undefined) precision = "bf16";
    var full = attention_layer_count(model) - windowed_layer_count(model);
    return full * kv_values_per_token_per_layer(model) * bytes_per_value(precision);
  }

  /** Positions one windowed layer holds (at most the window), or all of them without one. */
  function cached_tokens(model, context) {
    var window = get(model, "window");
    return window ? Math.min(context, window) : context;
  }

  /** The recurrent state matrices of an SSM block: heads x head_dim x state per layer (0 without one). */
  function ssm_recurrent_values(model) {
    var ssm = get(model, "ssm");
    if (!ssm) {
      return 0;
    }
    return ssm.layers * ssm.heads * ssm.head_dim * ssm.state;
  }

  /** The rolling convolution input: (heads x head_dim + 2 x groups x state) x (conv_kernel - 1) per layer. */
  function ssm_conv_values(model) {
    var ssm = get(model, "ssm");
    if (!ssm) {
      return 0;
    }
    var inner = ssm.heads * ssm.head_dim;
    return ssm.layers * (inner + 2 * ssm.groups * ssm.state) * (ssm.conv_kernel - 1);
  }

  /** Numbers in the fixed-size recurrent state of one sequence: recurrent plus convolution values. */
  function ssm_state_values(model) {
    return ssm_recurrent_values(model) + ssm_conv_values(model);
  }

  /** Bytes of the SSM state of one sequence as serving engines keep it: the recurrent state in ssm.cache_dtype
   *  when the catalog gives one, else in `precision`; the convolution buffer in `precision`. */
  function ssm_state_bytes(model, precision) {
    if (precision === undefined) precision = "bf16";
    var ssm = get(model, "ssm");
    if (!ssm) {
      return 0.0;
    }
    var recurrent = ssm_recurrent_values(model) * bytes_per_value(get(ssm, "cache_dtype") || precision);
    return recurrent + ssm_conv_values(model) * bytes_per_value(precision);
  }

  /** Cache bytes for `batch` sequences of `context` tokens: global layers hold every position, windowed layers at
   *  most the window, plus any SSM state (see ssm_state_bytes). */
  function kv_bytes_per_sequence(model, context, precision, batch) {
    if (precision === undefined) precision = "bf16";
    if (batch === undefined) batch = 1;
    if (context < 0 || batch < 1) {
      throw ValueError("context must be >= 0 and batch >= 1");
    }
    var windowed = windowed_layer_count(model);
    var per_seq;
    if (windowed === 0 || windowed === attention_layer_count(model)) {  // one kind of layer: same positions
      per_seq = kv_bytes_per_token(model, precision) * cached_tokens(model, context);
    } else {
      var bounded = windowed * kv_values_per_token_per_layer(model) * bytes_per_value(precision);
      per_seq = kv_growth_bytes_per_token(model, precision) * context + bounded * cached_tokens(model, context);
    }
    per_seq += ssm_state_bytes(model, precision);
    return per_seq * batch;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Hardware
  // ------------------------------------------------------------------------------------------------------------

  /** How many devices of `memory_gb` it takes to hold `total_bytes` if it could be split evenly. */
  function devices_needed(total_bytes, memory_gb) {
    if (memory_gb <= 0) {
      throw ValueError("memory_gb must be positive");
    }
    return Math.max(1, Math.ceil(total_bytes / (memory_gb * GB)));
  }

  /** Whether `total_bytes` fits in one device of `memory_gb` (decimal GB). */
  function fits(total_bytes, memory_gb) {
    return total_bytes <= memory_gb * GB;
  }

  /** Longest context (tokens) whose weights plus cache fit in one device; 0 if the weights alone do not fit;
   *  past the window only global layers grow; Infinity when every layer is windowed and the window fits. */
  function max_context(model, memory_gb, weight_precision, kv_precision, batch, params) {
    if (weight_precision === undefined) weight_precision = "bf16";
    if (kv_precision === undefined) kv_precision = "bf16";
    if (batch === undefined) batch = 1;
    if (params === undefined) params = null;
    _require_disclosed(model);
    var weights = weight_bytes(params !== null ? params : model.params, weight_precision);
    var free = memory_gb * GB - weights - ssm_state_bytes(model, kv_precision) * batch;
    if (free < 0) {
      return 0;
    }
    var per_token = kv_bytes_per_token(model, kv_precision) * batch;
    var longest = Math.floor(free / per_token);
    var window = get(model, "window");
    if (!window || longest < window) {
      return longest;
    }
    var growth = kv_growth_bytes_per_token(model, kv_precision) * batch;
    if (growth === 0) {
      return Infinity;
    }
    return window + Math.floor((free - window * per_token) / growth);
  }

  return Object.freeze({
    GB: GB,
    GiB: GiB,
    BYTES_PER_VALUE: BYTES_PER_VALUE,
    ValueError: ValueError,
    NotApplicable: NotApplicable,
    bytes_per_value: bytes_per_value,
    disclosed: disclosed,
    weight_bytes: weight_bytes,
    attention_scores: attention_scores,
    attention_matrices: attention_matrices,
    attention_layer_count: attention_layer_count,
    receptive_field: receptive_field,
    kv_values_per_token_per_layer: kv_values_per_token_per_layer,
    mha_values_per_token_per_layer: mha_values_per_token_per_layer,
    kv_bytes_per_token: kv_bytes_per_token,
    windowed_layer_count: windowed_layer_count,
    kv_growth_bytes_per_token: kv_growth_bytes_per_token,
    cached_tokens: cached_tokens,
    ssm_recurrent_values: ssm_recurrent_values,
    ssm_conv_values: ssm_conv_values,
    ssm_state_values: ssm_state_values,
    ssm_state_bytes: ssm_state_bytes,
    kv_bytes_per_sequence: kv_bytes_per_sequence,
    devices_needed: devices_needed,
    fits: fits,
    max_context: max_context
  });
});
