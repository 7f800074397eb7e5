/* Copy buttons: [data-rs-copy-from="#id"] copies the text of that element (a textarea's value), [data-rs-copy-link]
 * copies the page's address as it is now. The buttons ship hidden (they need JavaScript) and are shown here; the
 * status element beside a button ([role=status]) says what happened. The figure pages' buttons are bound by
 * index.js on every page load; the widgets' "Copy link to this result" (urlstate.js) uses copyText. ("Cite this
 * article" has its own buttons, [data-rs-copy], bound by cards.js.) */

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
function report(button, ok, what) {
  const status = button.parentNode && button.parentNode.querySelector("[role=status]");
  if (status) status.textContent = ok ? what + " copied." : "Could not copy: select it and copy by hand.";
}

function textOf(selector) {
  const el = selector ? document.querySelector(selector) : null;
  if (!el) return null;
  return "value" in el ? el.value : el.textContent;
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
    const text = textOf(button.getAttribute("data-rs-copy-from"));
    if (text !== null) report(button, await copyText(text), "Code");
  });
}

/** Show and bind every copy button on the page (each once). */
export function bindCopyButtons() {
  document.querySelectorAll("button[data-rs-copy-from], button[data-rs-copy-link]").forEach(bind);
}
