/* Number text for the widgets, formatted like generator/format.py formats it for the prose (num, gb, params). */

export const NBSP = "\u00a0";
export const TIMES = "\u00d7";

const formatters = {};

function fixed(x, digits) {
  let f = formatters[digits];
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
  const ax = Math.abs(x);
  if (ax >= 100 || ax === 0) return 0;
  if (ax >= 10) return 1;
  if (ax >= 1) return 2;
  return Math.max(2, 1 - Math.floor(Math.log10(ax)) + 1);
}

/** 131072 -> "131,072"; 7.6 -> "7.6"; Infinity -> "unlimited". */
export function num(x, digits) {
  if (x === Infinity) return "unlimited";
  if (typeof x === "bigint") return x.toLocaleString("en-US");
  if (digits === undefined || digits === null) {
    if (Number.isInteger(x)) return fixed(x, 0);
    return strip(fixed(x, autoDigits(x)));
  }
  return fixed(x, digits);
}

/** Bytes in decimal GB with one decimal ("141.1 GB"), or MB / kB / bytes when smaller than that. */
export function size(bytes) {
  if (bytes >= 1e9) return num(bytes / 1e9, 1) + NBSP + "GB";
  if (bytes >= 1e6) return num(bytes / 1e6, 1) + NBSP + "MB";
  if (bytes >= 1e3) return num(bytes / 1e3, 1) + NBSP + "kB";
  return num(bytes) + NBSP + "bytes";
}

const SCALES = [[1e15, "quadrillion"], [1e12, "trillion"], [1e9, "billion"], [1e6, "million"], [1e3, "thousand"]];

/** 70.55e9 -> "70.55 billion"; 117e6 -> "117 million" (up to two decimals). */
export function paramsText(x) {
  for (let i = 1; i < SCALES.length; i++) {
    if (x >= SCALES[i][0]) return strip(fixed(x / SCALES[i][0], 2)) + NBSP + SCALES[i][1];
  }
  return num(x);
}

/** A big count in words: 1.1e12 -> "1.1 trillion" (three significant digits). */
export function words(x) {
  const v = typeof x === "bigint" ? Number(x) : x;
  for (let i = 0; i < SCALES.length - 1; i++) {
    if (v >= SCALES[i][0]) {
      const s = v / SCALES[i][0];
      return strip(fixed(s, Math.max(0, 2 - Math.floor(Math.log10(s))))) + NBSP + SCALES[i][1];
    }
  }
  return num(v);
}

/** 1 -> "1 token"; 8192 -> "8,192 tokens". */
export function tokens(n) {
  return num(n) + NBSP + (n === 1 ? "token" : "tokens");
}

/** How many times a is b: "57×", "2.5×", "1,024×". */
export function ratioText(a, b) {
  const r = a / b;
  return (r >= 100 ? num(Math.round(r)) : strip(fixed(r, r >= 10 ? 0 : 1))) + TIMES;
}
