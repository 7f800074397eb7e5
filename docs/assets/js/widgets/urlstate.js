/* Widget settings in the page address, so a result can be shared as a link.
 *
 * Each widget owns a namespace of query parameters ("mem.", "am.", "cx."): mem.model=llama-3.1-70b&mem.wp=int4.
 * A widget reads its parameters once when it is built, checks every value against what its controls can show
 * (a list of ids, or a whole number in a range, snapped to the slider's stops by the caller) and ignores anything
 * else, so a mistyped or hostile address gives the defaults and no error. After the reader changes a setting the
 * widget writes its parameters with history.replaceState (no new history entry; other parameters, the hash and
 * the history state Material keeps are left as they were). "Copy link to this result" copies the address with the
 * widget's settings and its anchor. */

import { copyText } from "./copy.js";
import { h } from "./shared.js";

const MAX_LENGTH = 64;

/** {key: raw value} of the parameters "<ns>.<key>" in the address; never throws. */
export function readParams(ns) {
  const out = Object.create(null);
  try {
    const prefix = ns + ".";
    new URLSearchParams(window.location.search).forEach((value, key) => {
      if (key.length > prefix.length && key.slice(0, prefix.length) === prefix && value.length <= MAX_LENGTH) {
        out[key.slice(prefix.length)] = value;
      }
    });
  } catch (e) {
    /* an address the browser cannot parse: defaults */
  }
  return out;
}

/** ``raw`` if it is one of ``allowed`` (strings), else undefined. */
export function oneOf(raw, allowed) {
  return typeof raw === "string" && allowed.indexOf(raw) >= 0 ? raw : undefined;
}

/** A whole number written in plain digits (or as 7e9) within [lo, hi], else undefined. */
export function wholeIn(raw, lo, hi) {
  if (typeof raw !== "string" || !/^[0-9]{1,16}(\.[0-9]{1,6})?(e[0-9]{1,2})?$/i.test(raw)) return undefined;
  const v = Number(raw);
  return Number.isFinite(v) && Number.isInteger(v) && v >= lo && v <= hi ? v : undefined;
}

/** The address with this widget's parameters set to ``values`` (others untouched), and ``hash`` if given. */
function urlWith(ns, values, hash) {
  const url = new URL(window.location.href);
  const params = url.searchParams;
  const prefix = ns + ".";
  for (const key of Array.from(params.keys())) {
    if (key.slice(0, prefix.length) === prefix) params.delete(key);
  }
  for (const key of Object.keys(values)) params.set(prefix + key, String(values[key]));
  if (hash !== undefined) url.hash = hash;
  return url;
}

/** Put the widget's settings in the address bar (replaceState: no history entry). */
export function writeParams(ns, values) {
  try {
    const url = urlWith(ns, values);
    if (url.href !== window.location.href) window.history.replaceState(window.history.state, "", url.href);
  } catch (e) {
    /* no URL or history API (or a sandbox that forbids it): the widget still works */
  }
}

/** Once a widget has read the address: if the address names any of its settings, it is rewritten to exactly the
 * settings the widget shows, so a value it could not use (mistyped, out of range, hostile) does not stay in the
 * address bar, and a link copied from the bar gives what the reader sees. */
export function settleAddress(ns, values) {
  try {
    const prefix = ns + ".";
    const named = Array.from(new URLSearchParams(window.location.search).keys()).some(
      (key) => key.slice(0, prefix.length) === prefix);
    if (named) writeParams(ns, values);
  } catch (e) {
    /* an address the browser cannot parse: leave it */
  }
}

/** "Copy link to this result": writes the settings, then copies the address with the widget's anchor. */
export function copyLinkButton(ns, anchor, current) {
  const status = h("span", { class: "rs-note", role: "status" });
  const button = h("button", { type: "button", class: "md-button rs-copylink__btn", text: "Copy link to this result" });
  button.addEventListener("click", async () => {
    writeParams(ns, current());
    let href = window.location.href;
    try {
      href = urlWith(ns, current(), anchor).href;
    } catch (e) {
      /* keep the address as it is */
    }
    const ok = await copyText(href);
    status.textContent = ok ? "Link copied." : "Could not copy: the address bar holds the link.";
  });
  return h("div", { class: "rs-copylink" }, [button, status]);
}
