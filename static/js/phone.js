// Phone page: the live ranked list (/ws/me/), what shops keep for the shopper (holds) and
// offer instead (alternatives), wants, sharing, requests, erasure. The paired session
// authorises the API calls; no token is ever held by this page.
import { api, chime, clock, liveSocket, money, pageData, showStatus, unlockSound } from "./live.js";
import { drawMaps, floorName, listPins } from "./map.js";
import { wireSearch } from "./search.js";

const profile = pageData("profile");
const results = document.getElementById("results");
const status = document.getElementById("live-status");
let lastResults = null;
let socket = null;
let alternatives = profile.alternatives || [];

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

let at = profile.at;
const maps = document.getElementById("maps");

function offerLine(offer, pin) {
  const item = element("li", "offer");
  item.dataset.shop = offer.shop.slug;
  item.dataset.pin = pin;
  const badge = element("span", "pin-no", String(pin));
  badge.title = `Pin ${pin} on the map`;
  const name = element("strong", "shop", offer.shop.name);
  const price = element("span", "price", money(offer.item.price));
  const left = offer.item.quantity === 1 ? "1 left" : `${offer.item.quantity} left`;
  const more = offer.more_here ? ` · ${offer.more_here} more here` : "";
  const what = element("span", "item", `${offer.item.name}${offer.similar ? " (similar)" : ""} · ${left}${more}`);
  const where = element("span", "where", `${offer.shop.directions || floorName(offer.shop.floor)} · ${Math.round(offer.distance_m)} m from you`);
  item.append(badge, name, price, what, where);
  return item;
}

function renderResults(list) {
  const changed = lastResults !== null && JSON.stringify(list) !== JSON.stringify(lastResults);
  lastResults = list;
  const pins = new Map(listPins(list).map((pin) => [pin.slug, pin.number]));
  results.replaceChildren();
  for (const result of list) {
    const block = element("div", "result");
    block.dataset.desire = result.desire.name;
    block.append(element("h3", "", result.desire.name));
    if (!result.offers.length) {
      block.append(element("p", "hint", "No shop has it right now. Your list updates as soon as one does."));
    }
    const offers = element("ol", "offers");
    for (const offer of result.offers) offers.append(offerLine(offer, pins.get(offer.shop.slug)));
    block.append(offers);
    const hidden = (result.shops_total || 0) - result.offers.length;
    if (hidden > 0) block.append(element("p", "hint", `and ${hidden} more shop${hidden > 1 ? "s" : ""}`));
    for (const alternative of alternatives.filter((a) => a.desire.id === result.desire.id)) {
      block.append(alternativeElement(alternative));
    }
    results.append(block);
  }
  if (!list.length) {
    results.append(element("p", "hint", at
      ? "You want nothing right now: add a product below."
      : "Scan the QR code on any shop's screen to check in and see where your products are."));
  }
  drawMaps(maps, list, at);
  if (changed) {
    chime();
    results.classList.remove("flash");
    void results.offsetWidth; // restart the highlight animation
    results.classList.add("flash");
  }
}

// Alternatives: another item a shop offers for a want; accept (it is kept for you) or not.
function alternativeElement(alternative) {
  const box = element("div", "alternative");
  box.dataset.alternative = alternative.id;
  const note = alternative.note ? ` — “${alternative.note}”` : "";
  box.append(element("p", "", `${alternative.shop.name} offers ${alternative.item.name} (${money(alternative.item.price)})${note}`));
  const accept = element("button", "primary", "Keep one for me");
  accept.type = "button";
  accept.addEventListener("click", async () => {
    const answer = await api("POST", `/api/me/alternatives/${alternative.id}/accept/`);
    if (!answer.ok) { alert(answer.message); return; }
    await refreshServing();
  });
  const dismiss = element("button", "link", "No thanks");
  dismiss.type = "button";
  dismiss.addEventListener("click", async () => {
    const answer = await api("DELETE", `/api/me/alternatives/${alternative.id}/`);
    if (answer.ok) await refreshServing();
  });
  const row = element("div", "row");
  row.append(accept, dismiss);
  box.append(row);
  return box;
}

// Holds: what shops keep for the shopper, with where the shop is; cancel any.
const holdList = document.getElementById("holds");
function renderHolds(holds) {
  if (!holds.length) {
    holdList.replaceChildren(element("li", "hint empty", "No shop keeps anything for you yet."));
    return;
  }
  holdList.replaceChildren(...holds.map((hold) => {
    const item = element("li", "hold-row");
    item.dataset.hold = hold.id;
    const until = clock(hold.until);
    item.append(
      element("strong", "shop", hold.shop.name),
      element("span", "", ` (${hold.shop.directions || floorName(hold.shop.floor)}) keeps ${hold.quantity} × ${hold.item.name} for you until ${until}. `),
    );
    const cancel = element("button", "link danger", "Cancel");
    cancel.type = "button";
    cancel.addEventListener("click", async () => {
      const answer = await api("DELETE", `/api/me/holds/${hold.id}/`);
      if (answer.ok) await refreshServing();
    });
    item.append(cancel);
    return item;
  }));
}

function applyServing(holds, offered) {
  renderHolds(holds);
  alternatives = offered;
  if (lastResults !== null) {
    const keep = lastResults;
    lastResults = null; // re-render without the "changed" chime
    renderResults(keep);
  }
}

async function refreshServing() {
  const answer = await api("GET", "/api/me/");
  if (!answer.ok) return;
  applyServing(answer.data.holds, answer.data.alternatives);
  renderShares(answer.data.shares);
}

// Shares: the shops that see the wants; withdraw any.
const shareList = document.getElementById("my-shares");
function renderShares(list) {
  if (!list.length) { shareList.replaceChildren(element("li", "hint empty", "None.")); return; }
  shareList.replaceChildren(...list.map((share) => {
    const item = element("li", "share");
    item.dataset.shop = share.shop;
    item.append(element("span", "", `${share.name} `));
    const withdraw = element("button", "link danger", "Stop sharing");
    withdraw.type = "button";
    withdraw.addEventListener("click", async () => {
      const answer = await api("DELETE", `/api/me/shares/${share.shop}/`);
      if (answer.ok) await refreshServing();
    });
    item.append(withdraw);
    return item;
  }));
}

// A pushed list may come from a new place: ask where we are now, then draw.
async function refreshAndRender(list) {
  const answer = await api("GET", "/api/me/");
  if (answer.ok) at = answer.data.at;
  renderResults(list);
}

function showErased() {
  socket?.stop();
  document.getElementById("paired").hidden = true;
  document.getElementById("erased").hidden = false;
  showStatus(status, "closed");
}

// Wants: one row per want, edited in place and saved together (PATCH replaces them).
const wants = document.getElementById("wants");
function wantRow(desire = { name: "", keywords: [], level: 3, note: "" }) {
  const row = element("div", "want-row");
  row.innerHTML = `
    <label>Product <input class="want-name" maxlength="100"></label>
    <label>Other words <input class="want-keywords"></label>
    <label>How much <select class="want-level">
      <option>1</option><option>2</option><option>3</option><option>4</option><option>5</option>
    </select></label>
    <button type="button" class="link remove">Remove</button>`;
  row.querySelector(".want-name").value = desire.name;
  row.querySelector(".want-keywords").value = (desire.keywords || []).join(", ");
  row.querySelector(".want-level").value = String(desire.level);
  if (desire.note) row.append(element("p", "note", `Shop note: ${desire.note}`));
  row.querySelector(".remove").addEventListener("click", () => row.remove());
  return row;
}
wants.replaceChildren(...profile.desires.map(wantRow));
document.getElementById("add-want").addEventListener("click", () => wants.append(wantRow()));

document.getElementById("wants-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const message = document.getElementById("wants-message");
  const desires = [...wants.querySelectorAll(".want-row")]
    .map((row) => ({
      name: row.querySelector(".want-name").value.trim(),
      keywords: row.querySelector(".want-keywords").value.split(",").map((w) => w.trim()).filter(Boolean),
      level: Number(row.querySelector(".want-level").value),
    }))
    .filter((desire) => desire.name);
  const answer = await api("PATCH", "/api/me/", { desires });
  message.textContent = answer.ok ? "Saved." : answer.message;
  if (answer.ok) {
    wants.replaceChildren(...answer.data.desires.map(wantRow));
    renderResults(answer.data.results);
  }
});

document.getElementById("ranking").addEventListener("change", async (event) => {
  const answer = await api("PATCH", "/api/me/", { ranking: event.target.value });
  if (answer.ok) renderResults(answer.data.results);
});

// Shops: share the code, send a request, see replies.
const shopChoice = document.getElementById("shop-choice");
const shopMessage = document.getElementById("shop-message");
const requestList = document.getElementById("my-requests");

function renderRequests(requests) {
  requestList.replaceChildren(...requests.map((request) => {
    const item = element("li", "request");
    const option = [...shopChoice.options].find((o) => o.value === request.shop);
    const name = option ? option.dataset.name : request.shop;
    item.append(element("span", "shop", name), element("p", "", request.text));
    if (request.reply) item.append(element("p", "reply", `Reply: ${request.reply}`));
    return item;
  }));
}
async function loadRequests() {
  const answer = await api("GET", "/api/me/requests/");
  if (answer.ok) renderRequests(answer.data);
}

document.getElementById("share").addEventListener("click", async () => {
  const answer = await api("POST", "/api/me/shares/", { shop: shopChoice.value });
  shopMessage.textContent = answer.ok
    ? `${shopChoice.selectedOptions[0].textContent} can now see your code and wants.`
    : answer.message;
  if (answer.ok) refreshServing();
});

document.getElementById("shop-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = document.getElementById("request-text");
  const answer = await api("POST", "/api/me/requests/", { shop: shopChoice.value, text: text.value });
  shopMessage.textContent = answer.ok ? "Sent." : answer.message;
  if (answer.ok) {
    text.value = "";
    loadRequests();
renderHolds(profile.holds || []);
renderShares(profile.shares || []);
  }
});

document.getElementById("delete-me").addEventListener("click", async () => {
  if (!confirm("Delete everything about you now? This cannot be undone.")) return;
  const answer = await api("DELETE", "/api/me/");
  if (answer.ok) showErased();
  else alert(answer.message);
});

// Search: who has it, from where the shopper was last seen (anyone may ask).
wireSearch({
  form: document.getElementById("search-form"),
  input: document.getElementById("search-q"),
  list: document.getElementById("search-results"),
  message: document.getElementById("search-message"),
  position: () => at,
  ranking: () => document.getElementById("ranking").value,
});

document.getElementById("leaving").addEventListener("click", async () => {
  const answer = await api("POST", "/api/me/departures/");
  const message = document.getElementById("leaving-message");
  const minutes = pageData("page").grace_minutes;
  message.textContent = answer.ok
    ? `Goodbye! Shops no longer see you. Your data is deleted in ${minutes} minutes unless you check in again.`
    : answer.message;
  if (answer.ok) { at = null; renderResults([]); }
});

document.getElementById("sound-on").addEventListener("click", (event) => {
  unlockSound();
  event.target.textContent = "Sound alerts on";
  event.target.setAttribute("aria-pressed", "true");
});

renderResults(profile.results || []);
socket = liveSocket("/ws/me/", {
  onMessage: (message) => {
    if (message.type === "shops.update") refreshAndRender(message.results);
    else if (message.type === "request.reply") { chime(); loadRequests(); }
    else if (message.type === "holds.update") applyServing(message.holds, message.alternatives);
    else if (message.type === "alternative.new") chime();
    else if (message.type === "me.erased") showErased();
  },
  onStatus: (state) => {
    showStatus(status, state);
    if (state === "refused") showErased();
  },
});
loadRequests();
renderHolds(profile.holds || []);
renderShares(profile.shares || []);
