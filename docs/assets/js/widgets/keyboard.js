/* The keyboard path through the page's chrome (Material's header and drawers).
 *
 * Material opens the navigation drawer and, on a phone, the search box with labels for hidden checkboxes
 * (#__drawer, #__search): a keyboard cannot reach a label. Here they become buttons (tabindex, role, a name and
 * aria-expanded). Enter on a focused label is Material's own (its keyboard handler clicks it); Space, which a
 * button also answers to, is added here. What a closed drawer holds is out of the tab order by CSS (site.css,
 * "Keyboard"), so no stop lands off screen.
 */

function asButton(label, name, toggle) {
  if (!label || !toggle || label.dataset.rsButton !== undefined) return;
  label.dataset.rsButton = "";
  label.setAttribute("role", "button");
  label.setAttribute("tabindex", "0");
  if (!label.getAttribute("aria-label")) label.setAttribute("aria-label", name);
  const sync = () => label.setAttribute("aria-expanded", String(toggle.checked));
  sync();
  toggle.addEventListener("change", sync);
  label.addEventListener("keydown", (e) => {
    if (e.key !== " ") return;
    e.preventDefault(); // not a scroll of the page
    label.click();
  });
}

export function bindKeyboard() {
  asButton(document.querySelector('.md-header label[for="__drawer"]'), "Contents",
    document.getElementById("__drawer"));
  asButton(document.querySelector('.md-header label.md-header__button[for="__search"]'), "Search",
    document.getElementById("__search"));
}
