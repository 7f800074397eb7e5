/* Copy buttons, the site's one clipboard helper: [data-rs-copy-from="SELECTOR"] copies the text of that element (a
 * textarea's value, a <pre>'s text) and names it by data-rs-copy-what in its message; [data-rs-copy-link] copies the
 * page's address as it is now. The buttons ship hidden (they need JavaScript) and are shown here; the status element
 * beside a button ([role=status] in the same parent) says what happened, and when the browser refuses the clipboard
 * the text is selected so the reader can copy it by hand. Used by the figure pages (embed code, link) and "Cite this
 * article" (plain text, BibTeX), bound by index.js on every page load; the widgets' "Copy link to this result"
 * (urlstate.js) uses copyText. */

/** Copy text to the clipboard; resolves true on success. Falls back to a hidden textarea and execCommand. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (e) { /* fall through to the older way */ }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch (e) {
    ok = false;
  }
  document.body.removeChild(area);
  return ok;
}

/** Say the outcome in the button's status element. */
function report(button, ok, what, selected = false) {
  const status = button.parentNode && button.parentNode.querySelector("[role=status]");
  if (!status) return;
  if (ok) status.textContent = what + " copied.";
  else if (selected) status.textContent = "Selected: press Ctrl+C (or Cmd+C) to copy.";
  else status.textContent = "Could not copy: select it and copy by hand.";
}

/** Select an element's text on the page (a form field's value, or its contents); true when something is selected. */
function selectText(el) {
  try {
    if ("select" in el && typeof el.select === "function") {
      el.focus();
      el.select();
      return true;
    }
    const range = document.createRange();
    range.selectNodeContents(el);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    return true;
  } catch (e) {
    return false;
  }
}

function bind(button) {
  if (button.hasAttribute("data-rs-copy-bound")) return;
  button.setAttribute("data-rs-copy-bound", "");
  button.hidden = false;
  button.addEventListener("click", async () => {
    if (button.hasAttribute("data-rs-copy-link")) {
      report(button, await copyText(window.location.href), "Link");
      return;
    }
    const selector = button.getAttribute("data-rs-copy-from");
    const el = selector ? document.querySelector(selector) : null;
    if (!el) return;
    const what = button.getAttribute("data-rs-copy-what") || "Text";
    const ok = await copyText("value" in el ? el.value : el.textContent);
    report(button, ok, what, !ok && selectText(el));
  });
}

/** Show and bind every copy button on the page (each once). */
export function bindCopyButtons() {
  document.querySelectorAll("button[data-rs-copy-from], button[data-rs-copy-link]").forEach(bind);
}
