/* The Race to Scale: interactive widgets (memory calculator, Attention | Mamba, context explorer).
 *
 * Plain browser ES modules, no build step, no dependencies; mkdocs.yml loads this file with type: module. Each
 * widget is a <div class="rs-widget" data-rs-widget="NAME"> written by generator/site/article/widgets.py, holding the catalog
 * data it needs as JSON in <template class="rs-data"> (inert, and left alone by Material's instant navigation,
 * which re-runs inline scripts) and a static fallback table (.rs-fallback). The builders (memory.js,
 * attention-mamba.js, context.js) make the controls; this file marks the container .rs-ready (the CSS then hides the
 * fallback). Everything is computed with window.RaceDerive (docs/assets/js/derive.js, a classic script loaded before
 * this one, a mirror of generator/derive.py). Numbers are formatted like generator/format.py formats them in the
 * prose (format.js). Browsers without modules, or without JavaScript, keep the fallback table. The widgets are
 * built one per idle moment after load (and at once when a link leads past them), so the page keeps its height.
 *
 * Runs on every page load and after Material's instant navigation (document$), and never binds a widget twice. It
 * also binds the page's copy buttons (copy.js: the figure pages' embed code and link).
 */

import { buildAttentionMamba } from "./attention-mamba.js";
import { bindCards } from "./cards.js";
import { buildContext } from "./context.js";
import { bindCopyButtons } from "./copy.js";
import { bindKeyboard } from "./keyboard.js";
import { nbytes, num, params, times } from "./format.js";
import { buildMemory } from "./memory.js";
import { initPlayers, onHashChange } from "./player.js";

export const BUILDERS = { "memory": buildMemory, "attention-mamba": buildAttentionMamba, "context": buildContext };
const SELECTOR = ".rs-widget[data-rs-widget]";

function initWidget(node) {
  if (node.getAttribute("data-rs-state")) return;
  const builder = BUILDERS[node.getAttribute("data-rs-widget")];
  const D = window.RaceDerive;
  const island = node.querySelector(".rs-data");
  if (!builder || !D || !island) return;
  node.setAttribute("data-rs-state", "building");
  let ui = null;
  try {
    ui = builder(D, JSON.parse((island.content || island).textContent));
    node.appendChild(ui);
    node.classList.add("rs-ready");
    node.setAttribute("data-rs-state", "ready");
  } catch (err) {
    // Keep the static fallback table; say why in the console without breaking the page.
    if (ui && ui.parentNode) ui.parentNode.removeChild(ui);
    node.setAttribute("data-rs-state", "failed");
    console.warn("rs-widget " + node.getAttribute("data-rs-widget"), err);
  }
}

// Build all widgets now (RaceWidgets.init(); also where IntersectionObserver is missing).
function initAll() {
  document.querySelectorAll(SELECTOR).forEach(initWidget);
}

// Build every widget soon after load, one per idle moment (never inside the first paint or the first interaction),
// so the page reaches its final height before it is read: a widget built only when it came near grew the page
// under the reader, moved a link's target away after the jump, and made the scroll bar lie. A widget the reader is
// about to pass (a link to something below it, or an address with such a fragment) is built at once, before the
// jump, so the target lands where it should.
let queue = [];

function idle(fn) {
  if (window.requestIdleCallback) window.requestIdleCallback(fn, { timeout: 1500 });
  else setTimeout(fn, 50);
}

function buildNext() {
  const node = queue.shift();
  if (!node) return;
  initWidget(node);
  if (queue.length) idle(buildNext);
}

function initSoon() {
  queue = Array.from(document.querySelectorAll(SELECTOR)).filter((n) => !n.getAttribute("data-rs-state"));
  if (queue.length) idle(buildNext);
}

/** Build now every widget that comes before ``target`` in the page (so content above it has its final size). */
function buildBefore(target) {
  let built = false;
  for (const node of document.querySelectorAll(SELECTOR)) {
    if (node.getAttribute("data-rs-state")) continue;
    if (node.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING || node.contains(target)) {
      initWidget(node);
      built = true;
    }
  }
  return built;
}

function fragmentTarget(hash) {
  if (!hash || hash.length < 2) return null;
  try {
    return document.getElementById(decodeURIComponent(hash.slice(1)));
  } catch (e) {
    return null;
  }
}

/** An in-page link is about to be followed: the widgets above its target are built first. */
function onLinkClick(e) {
  const a = e.target.closest && e.target.closest('a[href^="#"]');
  if (!a || e.defaultPrevented) return;
  const target = fragmentTarget(a.getAttribute("href"));
  if (target) buildBefore(target);
}

/** An address with a fragment: build what is above the target, then put the target at the top again. */
function landOnFragment() {
  const target = fragmentTarget(location.hash);
  if (target && buildBefore(target)) target.scrollIntoView();
}

function boot() {
  bindCards(); // hover cards (cards.js): one set of document listeners for every page
  bindKeyboard(); // the header's drawer and search buttons reachable by keyboard (keyboard.js)
  // The scene players (player.js) are built at once: a step link must find its player ready.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(() => {
      landOnFragment();
      initSoon();
      initPlayers();
      bindCopyButtons();
    });
  } else {
    landOnFragment();
    initSoon();
    initPlayers();
    bindCopyButtons();
  }
  document.addEventListener("click", onLinkClick, true);
  window.addEventListener("hashchange", onHashChange);
}

window.RaceWidgets = { init: initAll, format: { num, nbytes, params, times } };

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", boot);
} else {
  boot();
}
