/* The Race to Scale: interactive widgets (memory calculator, Attention | Mamba, context explorer).
 *
 * Plain browser ES modules, no build step, no dependencies; mkdocs.yml loads this file with type: module. Each
 * widget is a <div class="rs-widget" data-rs-widget="NAME"> written by generator/site/article/widgets.py, holding the catalog
 * data it needs as JSON in <template class="rs-data"> (inert, and left alone by Material's instant navigation,
 * which re-runs inline scripts) and a static fallback table (.rs-fallback). The builders (memory.js,
 * attention-mamba.js, context.js) make the controls; this file marks the container .rs-ready (the CSS then hides the
 * fallback). Everything is computed with window.RaceDerive (docs/assets/js/derive.js, a classic script loaded before
 * this one, a mirror of generator/derive.py). Numbers are formatted like generator/format.py formats them in the
 * prose (format.js). Browsers without modules, or without JavaScript, keep the fallback table.
 *
 * Runs on every page load and after Material's instant navigation (document$), and never binds a widget twice. It
 * also binds the page's copy buttons (copy.js: the figure pages' embed code and link).
 */

import { buildAttentionMamba } from "./attention-mamba.js";
import { bindCards } from "./cards.js";
import { buildContext } from "./context.js";
import { bindCopyButtons } from "./copy.js";
import { bindKeyboard } from "./keyboard.js";
import { num, paramsText, size, words } from "./format.js";
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

// Build each widget as it comes within a screen or so of the viewport: the page's first paint and first
// interaction do not wait for widgets far below (until then the static fallback table is what is there).
let observer = null;

function onNear(entries) {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    observer.unobserve(entry.target);
    initWidget(entry.target);
  }
}

function initNear() {
  if (!("IntersectionObserver" in window)) {
    initAll();
    return;
  }
  if (observer) observer.disconnect();
  observer = new IntersectionObserver(onNear, { rootMargin: "100% 0px 100% 0px" });
  document.querySelectorAll(SELECTOR).forEach((node) => {
    if (!node.getAttribute("data-rs-state")) observer.observe(node);
  });
}

function boot() {
  bindCards(); // hover cards (cards.js): one set of document listeners for every page
  bindKeyboard(); // the header's drawer and search buttons reachable by keyboard (keyboard.js)
  // The scene players (player.js) are built at once: a step link must find its player ready.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(() => {
      initNear();
      initPlayers();
      bindCopyButtons();
    });
  } else {
    initNear();
    initPlayers();
    bindCopyButtons();
  }
  window.addEventListener("hashchange", onHashChange);
}

window.RaceWidgets = { init: initAll, format: { num, size, paramsText, words } };

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", boot);
} else {
  boot();
}
