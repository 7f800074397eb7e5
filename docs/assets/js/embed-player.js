/* The embed view's scene player (figures/<id>/embed/): the article's step player (widgets/player.js, stepping in
 * steps.js) in its compact form: Previous / Play / Next / Full screen and the current step's text under the video,
 * never over it (the native captions are hidden once the player runs), without the row of step buttons. */
import { initPlayers } from "./widgets/player.js";

document.querySelectorAll(".rs-player[data-rs-player]").forEach((p) => p.setAttribute("data-rs-compact", ""));
initPlayers();
