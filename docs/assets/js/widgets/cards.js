/* Hover cards: a number's formula and sources, a citation's reference, a glossary term's definition.
 *
 * generator/site/article/provenance.py writes each trigger (<span class="rs-num|rs-term"> or a citation link) with
 * data-rs-card naming its card and a title holding the card as one line of text (what a screen reader reads as the
 * description, and what a reader without JavaScript sees). The cards themselves are data, one JSON file per page
 * (named by <div class="rs-cards" data-rs-cards="...">), fetched the first time a reader reaches for a card: the
 * page's HTML carries none of them. A card is built from that data with text nodes and checked links, never HTML.
 *
 * A card opens on hover (mouse), keyboard focus or tap, stays open while the pointer or focus is in the trigger or
 * the card, and closes on Escape, on leaving, or on a tap elsewhere. A tap on a citation opens its card (which links
 * to the list of references) instead of jumping to the list; a second tap follows the link. While open a card sits
 * right after its trigger, so Tab reaches its links next. A block of text is one tab stop (provenance.py leaves the
 * first trigger of each block in the tab order): the arrow keys move between the block's triggers.
 */

const OPEN = "rs-card--open";
const BLOCK = ".md-typeset > *";
let current = null; // { trigger, card }
let closeTimer = 0;
let lastPointer = "mouse";
let tapped = null; // { trigger, wasOpen } of the touch that is becoming a click
let pending = null; // the trigger waiting for the data
let data = null; // Promise of {card id: card}
let dataSrc = null; // the page whose cards ``data`` holds (Material's instant navigation swaps pages)

function source() {
  return document.querySelector(".rs-cards[data-rs-cards]");
}

function loadCards() {
  const holder = source();
  const src = holder && holder.getAttribute("data-rs-cards");
  if (!data || dataSrc !== src) {
    dataSrc = src;
    data = src
      ? fetch(new URL(src, document.baseURI)).then((r) => (r.ok ? r.json() : {})).catch(() => ({}))
      : Promise.resolve({});
  }
  return data;
}

function safeHref(href) {
  return typeof href === "string" && /^(https?:\/\/|#)/.test(href) ? href : null;
}

function part(p) {
  if (typeof p === "string") return document.createTextNode(p);
  if (p && typeof p.b === "string") {
    const b = document.createElement("b");
    b.textContent = p.b;
    return b;
  }
  if (p && typeof p.a === "string") {
    const a = document.createElement("a");
    a.textContent = p.a;
    const href = safeHref(p.href);
    if (href) a.setAttribute("href", href);
    return a;
  }
  return document.createTextNode("");
}

function buildCard(id, spec) {
  const card = document.createElement("span");
  card.className = "rs-card rs-card-" + (spec.kind || "num");
  card.id = id;
  card.setAttribute("role", "tooltip");
  for (const [cls, parts] of spec.lines || []) {
    const line = document.createElement("span");
    line.className = "rs-card-" + cls;
    for (const p of parts) line.appendChild(part(p));
    card.appendChild(line);
  }
  const holder = source();
  if (holder) holder.appendChild(card);
  return card;
}

async function cardFor(trigger) {
  const id = trigger.getAttribute("data-rs-card");
  if (!id) return null;
  const existing = document.getElementById(id);
  if (existing) return existing;
  const cards = await loadCards();
  if (document.getElementById(id)) return document.getElementById(id);
  return cards[id] ? buildCard(id, cards[id]) : null;
}

function place(trigger, card) {
  trigger.after(card);
  card.classList.add(OPEN);
  // position: fixed (site.css), so no ancestor's overflow clips it; it follows the trigger on scroll (bindCards).
  // An ancestor with a transform makes itself the containing block, so measure where (0, 0) lands and offset.
  card.style.left = "0px";
  card.style.top = "0px";
  const origin = card.getBoundingClientRect();
  const tr = trigger.getClientRects()[0] || trigger.getBoundingClientRect();
  const cw = card.offsetWidth;
  const ch = card.offsetHeight;
  const margin = 8;
  const left = Math.max(margin, Math.min(tr.left, document.documentElement.clientWidth - cw - margin));
  const below = tr.bottom + 6;
  const top = below + ch > window.innerHeight && tr.top - ch - 6 > 0 ? tr.top - ch - 6 : below;
  card.style.left = Math.round(left - origin.left) + "px";
  card.style.top = Math.round(top - origin.top) + "px";
}

// While its card is open, a trigger is described by the card (richer than its one-line title), and the title is
// set aside so the browser does not draw a second tooltip over the card.
function describe(trigger, card) {
  if (trigger.hasAttribute("title")) {
    trigger.setAttribute("data-rs-title", trigger.getAttribute("title"));
    trigger.removeAttribute("title");
  }
  trigger.setAttribute("aria-describedby", card.id);
}

function undescribe(trigger) {
  trigger.removeAttribute("aria-describedby");
  if (trigger.hasAttribute("data-rs-title")) {
    trigger.setAttribute("title", trigger.getAttribute("data-rs-title"));
    trigger.removeAttribute("data-rs-title");
  }
}

async function open(trigger) {
  clearTimeout(closeTimer);
  if (current && current.trigger === trigger) return;
  pending = trigger;
  const card = await cardFor(trigger);
  if (pending !== trigger || !card) return; // the reader moved on while the cards loaded
  pending = null;
  close();
  current = { trigger, card };
  trigger.setAttribute("data-rs-open", "");
  describe(trigger, card);
  place(trigger, card);
}

function close() {
  clearTimeout(closeTimer);
  if (!current) return;
  current.card.classList.remove(OPEN);
  current.trigger.removeAttribute("data-rs-open");
  undescribe(current.trigger);
  current = null;
}

function closeSoon() {
  clearTimeout(closeTimer);
  closeTimer = setTimeout(close, 250);
}

function triggerOf(node) {
  return node && node.closest ? node.closest("[data-rs-card]") : null;
}

function inCurrent(node) {
  return !!(current && node && (current.trigger.contains(node) || current.card.contains(node)));
}

function onPointerOver(e) {
  if (e.pointerType && e.pointerType !== "mouse") return;
  const t = triggerOf(e.target);
  if (t) {
    if (t.hasAttribute("title")) { // before the browser's own tooltip comes up
      t.setAttribute("data-rs-title", t.getAttribute("title"));
      t.removeAttribute("title");
    }
    open(t);
  } else if (inCurrent(e.target)) clearTimeout(closeTimer);
}

function onPointerOut(e) {
  if (e.pointerType && e.pointerType !== "mouse") return;
  const t = triggerOf(e.target);
  if (t && pending === t && !t.contains(e.relatedTarget)) pending = null;
  if (t && !current && !t.contains(e.relatedTarget)) undescribe(t);
  if (!current) return;
  if (inCurrent(e.target) && !inCurrent(e.relatedTarget)) closeSoon();
}

function onFocusIn(e) {
  const t = triggerOf(e.target);
  if (t) open(t);
  else if (inCurrent(e.target)) clearTimeout(closeTimer);
  else close();
}

function onFocusOut(e) {
  if (current && inCurrent(e.target) && !inCurrent(e.relatedTarget)) closeSoon();
}

function onPointerDown(e) {
  lastPointer = e.pointerType || "mouse";
  const t = triggerOf(e.target);
  // What the touch found before the focus it causes opens the card: a first tap on a citation opens its card.
  tapped = t && lastPointer !== "mouse" ? { trigger: t, wasOpen: !!(current && current.trigger === t) } : null;
  if (current && !inCurrent(e.target) && !t) close();
}

function onClick(e) {
  const t = triggerOf(e.target);
  if (!t) return;
  const touch = lastPointer !== "mouse" && tapped && tapped.trigger === t;
  if (t.tagName === "A" && touch && !tapped.wasOpen) e.preventDefault(); // first tap: the card, not the jump
  tapped = null;
  open(t);
}

/** The triggers of the block (paragraph, list, table) holding ``t``, in reading order. */
function blockOf(t) {
  const block = t.closest(BLOCK) || t.parentElement;
  return Array.from(block.querySelectorAll("[data-rs-card]")).filter((x) => !x.closest(".rs-card"));
}

function onKeyDown(e) {
  if ((e.key === "ArrowRight" || e.key === "ArrowLeft") && !e.altKey && !e.ctrlKey && !e.metaKey) {
    const t = triggerOf(document.activeElement);
    if (!t || t !== document.activeElement) return;
    const all = blockOf(t);
    const next = all[all.indexOf(t) + (e.key === "ArrowRight" ? 1 : -1)];
    if (!next) return;
    e.preventDefault();
    for (const x of all) x.setAttribute("tabindex", x === next ? "0" : "-1"); // the block stays one stop
    next.focus();
    return;
  }
  if (e.key !== "Escape" || !current) return;
  const trigger = current.trigger;
  const focusInCard = current.card.contains(document.activeElement);
  close();
  if (focusInCard) trigger.focus();
}

let bound = false;

export function bindCards() {
  if (bound) return;
  bound = true;
  document.addEventListener("pointerover", onPointerOver);
  document.addEventListener("pointerout", onPointerOut);
  document.addEventListener("focusin", onFocusIn);
  document.addEventListener("focusout", onFocusOut);
  document.addEventListener("pointerdown", onPointerDown, true);
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKeyDown);
  const follow = () => current && place(current.trigger, current.card);
  window.addEventListener("resize", follow);
  window.addEventListener("scroll", follow, { passive: true });
}
