// Shop-floor screen: full-screen live cards.
import { CardBoard, chime, liveSocket, pageData, showStatus, unlockSound } from "./live.js";

const page = pageData("page");
const status = document.getElementById("live-status");
const board = new CardBoard(document.getElementById("cards"), {
  onChange: (message) => { if (message.type === "card.show") chime(); },
});
liveSocket(`/ws/shops/${page.slug}/`, {
  onMessage: (message) => board.apply(message),
  onStatus: (state) => showStatus(status, state),
});
document.getElementById("fullscreen").addEventListener("click", () => {
  unlockSound();
  document.documentElement.requestFullscreen?.();
});
