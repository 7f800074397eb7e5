/* Hover cards: a number's formula and sources, a citation's reference, a glossary term's definition.
 *
 * generator/site/article/provenance.py writes each trigger (<span class="rs-num|rs-term" tabindex="0"> or a citation link)
 * with data-rs-card and aria-describedby naming its card, and every card once, in <div class="rs-cards"> at the end
 * of the page (hidden by CSS; a screen reader still reads a described-by card as the trigger's description).
 * A card opens on hover (mouse), keyboard focus or tap, stays open while the pointer or focus is in the trigger or
 * the card, and closes on Escape, on leaving, or on a tap elsewhere. While open it sits right after its trigger in the
 * DOM, so Tab reaches its links next. Without JavaScript the trigger's title attribute carries the same text.
 */

const OPEN = "rs-card--open";
let current = null; // { trigger, card }
let closeTimer = 0;
let lastPointer = "mouse";

function cardFor(trigger) {
  const id = trigger.getAttribute("data-rs-card");
  return id ? document.getElementById(id) : null;
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

function open(trigger) {
  clearTimeout(closeTimer);
  if (current && current.trigger === trigger) return;
  close();
  const card = cardFor(trigger);
  if (!card) return;
  current = { trigger, card };
  trigger.setAttribute("data-rs-open", "");
  place(trigger, card);
}

function close() {
  clearTimeout(closeTimer);
  if (!current) return;
  current.card.classList.remove(OPEN);
  current.trigger.removeAttribute("data-rs-open");
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
  if (t) open(t);
  else if (inCurrent(e.target)) clearTimeout(closeTimer);
}

function onPointerOut(e) {
  if (e.pointerType && e.pointerType !== "mouse") return;
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
  if (current && !inCurrent(e.target) && !triggerOf(e.target)) close();
}

function onClick(e) {
  const t = triggerOf(e.target);
  if (!t) return;
  // A tap on a citation link opens its card first; a second tap (card open) follows the link.
  if (t.tagName === "A" && lastPointer !== "mouse" && !(current && current.trigger === t)) e.preventDefault();
  open(t);
}

function onKeyDown(e) {
  if (e.key !== "Escape" || !current) return;
  const trigger = current.trigger;
  const focusInCard = current.card.contains(document.activeElement);
  close();
  if (focusInCard) trigger.focus();
}

export function initCards(root = document) {
  // The title attribute is the no-JavaScript fallback; with the card it would show a second tooltip.
  root.querySelectorAll("[data-rs-card][title]").forEach((t) => {
    t.setAttribute("data-rs-title", t.getAttribute("title"));
    t.removeAttribute("title");
  });
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
