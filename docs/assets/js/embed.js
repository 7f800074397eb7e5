/* The embed view's theme: the reader's system theme (CSS prefers-color-scheme) unless the iframe's address says
 * ?theme=light or ?theme=dark. Runs in <head>, before anything is drawn; any other value is ignored. */
(function () {
  "use strict";
  try {
    var theme = new URLSearchParams(window.location.search).get("theme");
    if (theme === "light" || theme === "dark") document.documentElement.setAttribute("data-theme", theme);
  } catch (e) { /* no URLSearchParams: the system theme applies */ }
})();
