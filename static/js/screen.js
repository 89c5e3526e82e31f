// Shop-floor screen: full-screen live cards that keep their place, and an idle mode that
// spares the panel (dimmed, slowly moving content) when nobody has been shown for a while.
import { CardBoard, chime, liveSocket, pageData, showStatus, unlockSound } from "./live.js";

//: Milliseconds without any card before the screen goes idle (``?idle=1``: at once).
const IDLE_AFTER = new URLSearchParams(location.search).has("idle") ? 0 : 120000;

const page = pageData("page");
const status = document.getElementById("live-status");
let idleTimer = null;

function settle(count) {
  clearTimeout(idleTimer);
  if (count > 0) { document.body.classList.remove("idle"); return; }
  idleTimer = setTimeout(() => document.body.classList.add("idle"), IDLE_AFTER);
}

const board = new CardBoard(document.getElementById("cards"), {
  onChange: (message, count) => {
    if (message.type === "card.show") chime();
    settle(count);
  },
});
liveSocket(`/ws/shops/${page.slug}/`, {
  onMessage: (message) => board.apply(message),
  onStatus: (state) => showStatus(status, state),
});
document.getElementById("fullscreen").addEventListener("click", () => {
  unlockSound();
  document.documentElement.requestFullscreen?.();
});
settle(0);
