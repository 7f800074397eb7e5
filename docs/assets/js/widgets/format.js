/* Number text for the widgets: the same functions as generator/format.py (num, nbytes, params, times), with the same
   named options, so a widget and its no-JS fallback table print a number the same way (tests/test_format.py runs a
   grid of calls through both). */

export const NBSP = "\u00a0";
export const TIMES = "\u00d7";

/** ``x`` with ``digits`` decimals and thousands commas, rounded as Python's format() rounds: on the exact binary
 *  value (2.675 is 2.67499999..., so "2.67"; Intl.NumberFormat rounds the shortest decimal, "2.68") and exact ties
 *  to even (0.125 -> "0.12"). toFixed is exact but rounds ties up; a tie is seen in its 100-decimal expansion. */
function fixed(x, digits) {
  const ax = Math.abs(x);
  let units;  // |x| in units of 10^-digits
  if (ax >= 1e21) {
    units = BigInt(ax) * 10n ** BigInt(digits);  // every double this large is an integer: no rounding, no tie
  } else {
    units = BigInt(ax.toFixed(digits).replace(".", ""));
    const exact = ax.toFixed(100);
    const rest = exact.slice(exact.indexOf(".") + 1 + digits);
    if (/^50*$/.test(rest) && units % 2n === 1n) units -= 1n;
  }
  const text = units.toString().padStart(digits + 1, "0");
  const whole = text.slice(0, text.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  return sign + whole + (digits ? "." + text.slice(text.length - digits) : "");
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
  // Commas by hand: a BigInt's toLocaleString builds an ICU number formatter (tens of ms on a phone's first call)
  if (typeof x === "bigint") return x.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  if (digits === undefined || digits === null) {
    if (Number.isInteger(x)) return fixed(x + 0, 0);  // + 0: -0 is "0", as Python's int(-0.0)
    return strip(fixed(x, autoDigits(x)));
  }
  return fixed(x, digits);
}

const BYTE_UNITS = [[1e12, "TB"], [1e9, "GB"], [1e6, "MB"], [1e3, "kB"]];

/** A byte count in its natural decimal unit: 2.4e6 -> "2.4 MB", 4.7e12 -> "4.7 TB", 5000 -> "5 kB"; {digits} fixes
 *  the decimals (5000, {digits: 1} -> "5.0 kB"). Under 1,000 a count of bytes: "512 bytes". */
export function nbytes(bytes, { digits = null } = {}) {
  for (const [scale, unit] of BYTE_UNITS) {
    if (bytes >= scale) return num(bytes / scale, digits) + NBSP + unit;
  }
  return num(bytes) + NBSP + "bytes";
}

const SCALES = [[1e15, "quadrillion", ""], [1e12, "trillion", "T"], [1e9, "billion", "B"], [1e6, "million", "M"],
  [1e3, "thousand", "K"]];

function scaledText(v, digits, most) {
  if (digits !== null) return fixed(v, digits);
  if (most !== null) return strip(fixed(v, most));
  return strip(fixed(v, Math.max(0, 2 - Math.floor(Math.log10(Math.abs(v))))));
}

/** A count in the words of its scale, thousand to quadrillion: 175e9 -> "175 billion". {digits} fixes the decimals,
 *  {most} allows up to that many (70.55e9, {most: 2} -> "70.55 billion"), neither: three significant digits;
 *  {short: true} writes the letter, up to T ("175B"). Under a thousand, the number itself. BigInt is accepted. */
export function params(x, { digits = null, most = null, short = false } = {}) {
  const v = typeof x === "bigint" ? Number(x) : x;
  for (const [scale, word, letter] of SCALES) {
    if (Math.abs(v) >= scale && (letter || !short)) {
      const s = scaledText(v / scale, digits, most);
      return short ? s + letter : s + NBSP + word;
    }
  }
  return num(v, digits);
}

/** 1 -> "1 token"; 8192 -> "8,192 tokens". */
export function tokens(n) {
  return num(n) + NBSP + (n === 1 ? "token" : "tokens");
}

/** A ratio: 57.3 -> "57.3×", 2 -> "2×", 1024 -> "1,024×" ({digits} decimals at most, default 1; null: as num). */
export function times(x, { digits = 1 } = {}) {
  return strip(digits === null ? num(x) : fixed(x, digits)) + TIMES;
}
