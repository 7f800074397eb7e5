/* The keyboard path through the page's chrome (Material's header and drawers).
 *
 * Material opens the navigation drawer and, on a phone, the search box with labels for hidden checkboxes
 * (#__drawer, #__search): a keyboard cannot reach a label, and a label cannot be given a button's role. Each becomes
 * a real <button> of the same look (the label's icon moved into it; site.css, "Keyboard", keeps Material's
 * breakpoints for it) that toggles the checkbox, with a name and aria-expanded. Without JavaScript the labels stay
 * (a mouse or a tap still opens the drawer). What a closed drawer holds is out of the tab order by CSS, so no stop
 * lands off screen.
 */

function asButton(label, name, toggle, focus) {
  if (!label || !toggle) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = label.className + " rs-header-toggle";
  button.setAttribute("data-rs-for", toggle.id);
  button.setAttribute("aria-label", label.getAttribute("aria-label") || label.getAttribute("title") || name);
  const sync = () => button.setAttribute("aria-expanded", String(toggle.checked));
  sync();
  while (label.firstChild) button.appendChild(label.firstChild);
  button.addEventListener("click", () => {
    toggle.click(); // the checkbox's own click: its change event is what Material and the CSS follow
    const into = toggle.checked && focus && document.querySelector(focus);
    if (into) into.focus();
  });
  toggle.addEventListener("change", sync);
  label.replaceWith(button);
}

export function bindKeyboard() {
  asButton(document.querySelector('.md-header label[for="__drawer"]'), "Contents",
    document.getElementById("__drawer"));
  asButton(document.querySelector('.md-header label.md-header__button[for="__search"]'), "Search",
    document.getElementById("__search"), ".md-search__input");
}
