// Shared by the pages: JSON API calls with the session's CSRF token, a websocket that
// reconnects, the card board of shop pages, and a beep. No build step, no dependencies.

export function pageData(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// Calls the JSON API; resolves to {ok, status, data}; `message` is the API's error text.
export async function api(method, url, body) {
  const options = { method, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } };
  if (body instanceof FormData) {
    options.body = body;
  } else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, options);
  } catch (error) {
    return { ok: false, status: 0, data: null, message: "No connection to the server." };
  }
  let data = null;
  if (response.status !== 204) {
    try { data = await response.json(); } catch (error) { data = null; }
  }
  const message = response.ok ? "" : (data && data.error && data.error.message) || `Error ${response.status}`;
  return { ok: response.ok, status: response.status, data, message };
}

// A websocket to `path` that reconnects with backoff, except when refused (4403).
export function liveSocket(path, { onMessage, onStatus = () => {} }) {
  let delay = 500;
  let stopped = false;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  function open() {
    const socket = new WebSocket(`${scheme}://${location.host}${path}`);
    socket.onopen = () => { delay = 500; onStatus("live"); };
    socket.onmessage = (event) => onMessage(JSON.parse(event.data));
    socket.onclose = (event) => {
      if (event.code === 4403) { stopped = true; onStatus("refused"); return; }
      if (stopped) { onStatus("closed"); return; }
      onStatus("reconnecting");
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10000);
    };
  }
  open();
  return { stop() { stopped = true; } };
}

export function showStatus(element, state) {
  const labels = { live: "live", reconnecting: "reconnecting…", refused: "not allowed", closed: "closed" };
  element.textContent = labels[state] || state;
  element.dataset.state = state;
}

let audio = null;
// A short two-tone chime made with WebAudio (browsers only allow it after a tap).
export function chime() {
  try {
    audio = audio || new AudioContext();
    const now = audio.currentTime;
    [880, 1320].forEach((frequency, index) => {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, now + index * 0.15);
      gain.gain.exponentialRampToValueAtTime(0.001, now + index * 0.15 + 0.14);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(now + index * 0.15);
      oscillator.stop(now + index * 0.15 + 0.15);
    });
  } catch (error) { /* no audio on this device */ }
  if (navigator.vibrate) navigator.vibrate([120, 60, 120]);
}

export function unlockSound() {
  try { audio = audio || new AudioContext(); audio.resume(); } catch (error) { /* none */ }
}

export function since(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}

const PAYMENT = { cash: "Cash", card: "Card", mobile: "Mobile", other: "Other" };

// The live cards of one shop: applies cards.snapshot / card.show / card.withdraw, and
// card.taken (who serves the shopper) / hold.update (what the shop keeps for them).
// Cards keep their place: a new card goes at the end, an updated one stays where it is,
// and the order changes only when one leaves (a screen read from across the shop must not
// reshuffle under the reader's eyes).
export class CardBoard {
  constructor(container, { onChange = () => {}, actions = null, itemActions = null, emptyText = "No matching shopper nearby." } = {}) {
    this.container = container;
    this.template = document.getElementById("card-template");
    this.cards = new Map();
    this.nodes = new Map();
    this.json = new Map(); // what each node was drawn from
    this.onChange = onChange;
    this.actions = actions;
    this.itemActions = itemActions;
    this.emptyText = emptyText;
    this.empty = container.querySelector(".empty-state, .empty");
    setInterval(() => this.refreshTimes(), 10000);
  }

  apply(message) {
    if (message.type === "cards.snapshot") {
      const ordered = [...message.cards].sort((a, b) => Date.parse(a.seen_at) - Date.parse(b.seen_at));
      // Cards already shown keep their place; the rest follow, oldest first.
      const known = ordered.filter((card) => this.cards.has(card.customer));
      const fresh = ordered.filter((card) => !this.cards.has(card.customer));
      const keep = [...this.cards.keys()].filter((code) => known.some((card) => card.customer === code));
      const byCode = new Map(ordered.map((card) => [card.customer, card]));
      this.cards = new Map([...keep.map((code) => [code, byCode.get(code)]), ...fresh.map((card) => [card.customer, card])]);
    } else if (message.type === "card.show") {
      this.cards.set(message.card.customer, message.card); // Map.set keeps an existing key's place
    } else if (message.type === "card.withdraw") {
      this.cards.delete(message.customer);
    } else if (message.type === "card.taken" || message.type === "hold.update") {
      const card = this.cards.get(message.customer);
      if (!card) return true; // not on this board: nothing to show
      if (message.type === "card.taken") card.taken_by = message.clerk;
      else card.holds = message.holds;
    } else {
      return false;
    }
    this.render();
    this.onChange(message, this.cards.size);
    return true;
  }

  render() {
    for (const [code, node] of this.nodes) {
      if (!this.cards.has(code)) { node.remove(); this.nodes.delete(code); this.json.delete(code); }
    }
    let previous = null;
    for (const [code, card] of this.cards) {
      const json = JSON.stringify(card);
      let node = this.nodes.get(code);
      if (!node || this.json.get(code) !== json) {
        const fresh = this.element(card);
        this.json.set(code, json);
        if (node) { fresh.classList.add("updated"); node.replaceWith(fresh); }
        node = fresh;
        this.nodes.set(code, node);
      }
      const expected = previous ? previous.nextElementSibling : this.container.firstElementChild;
      if (node !== expected) {
        if (previous) previous.after(node); else this.container.prepend(node);
      }
      previous = node;
    }
    if (this.empty) this.empty.hidden = this.cards.size > 0;
    else if (!this.cards.size && !this.container.querySelector(".empty")) {
      const empty = document.createElement("p");
      empty.className = "hint empty";
      empty.textContent = this.emptyText;
      this.container.append(empty);
      this.empty = empty;
    }
  }

  element(card) {
    const node = this.template.content.firstElementChild.cloneNode(true);
    node.dataset.customer = card.customer;
    const image = node.querySelector(".face img");
    if (card.face_url) {
      image.src = card.face_url;
      image.alt = `Photo of shopper ${card.customer}`;
      image.hidden = false;
    } else {
      node.querySelector(".initials").textContent = card.customer.slice(0, 2);
    }
    node.querySelector(".code").textContent = card.customer;
    node.querySelector(".pay").textContent = PAYMENT[card.payment_method] || card.payment_method;
    const wants = node.querySelector(".wants");
    for (const desire of card.desires) {
      const item = document.createElement("li");
      item.textContent = `${desire.name} `;
      const level = document.createElement("span");
      level.className = `level level-${desire.level}`;
      level.textContent = "●".repeat(desire.level) + "○".repeat(5 - desire.level);
      level.title = `wants it ${desire.level}/5`;
      level.setAttribute("aria-label", `wants it ${desire.level} out of 5`);
      item.append(level);
      wants.append(item);
    }
    const taken = node.querySelector(".taken");
    if (card.taken_by) {
      taken.textContent = `Served by ${card.taken_by}`;
      taken.hidden = false;
      node.classList.add("is-taken");
    }
    const holds = node.querySelector(".holds");
    for (const hold of card.holds || []) {
      const until = clock(hold.until);
      const item = document.createElement("li");
      item.textContent = `Kept: ${hold.quantity} × ${hold.item.name} until ${until}`;
      holds.append(item);
    }
    const items = node.querySelector(".items");
    if (items) {
      for (const match of card.items || []) {
        const line = document.createElement("li");
        line.dataset.item = match.id;
        const name = document.createElement("span");
        name.className = "item-name";
        name.textContent = match.name + (match.similar ? " (similar)" : "");
        const price = document.createElement("strong");
        price.className = "item-price";
        price.textContent = money(match.price);
        const stock = document.createElement("span");
        stock.className = "item-stock";
        stock.textContent = `${match.quantity} available`;
        line.append(name, price, stock);
        if (match.barcode) {
          const barcode = document.createElement("span");
          barcode.className = "item-barcode";
          barcode.textContent = match.barcode;
          line.append(barcode);
        }
        if (this.itemActions) line.append(this.itemActions(card, match, node));
        items.append(line);
      }
    }
    node.querySelector(".kiosk").textContent = card.seen_at_kiosk ? `seen at ${card.seen_at_kiosk}` : "seen";
    node.querySelector(".distance").textContent = `${Math.round(card.distance_m)} m away`;
    const time = node.querySelector(".since");
    time.dateTime = card.seen_at;
    time.textContent = since(card.seen_at);
    if (this.actions) node.querySelector(".about").append(this.actions(card, node));
    return node;
  }

  refreshTimes() {
    for (const time of this.container.querySelectorAll("time.since")) {
      time.textContent = since(time.dateTime);
    }
  }
}

// Prices and dates in the page's language and the mall's currency (set on <html> from
// LANGUAGE_CODE and CURRENCY), as the server's templates write them.
const root = document.documentElement;
const locale = root.lang || "en";
let moneyFormat = null;
export function money(decimal) {
  try {
    moneyFormat = moneyFormat || new Intl.NumberFormat(locale, { style: "currency", currency: root.dataset.currency || "EUR" });
    return moneyFormat.format(Number(decimal));
  } catch (error) {
    return String(decimal);
  }
}

export function dateTime(iso) {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: root.dataset.timeZone || undefined }).format(new Date(iso));
}

export function clock(iso) {
  return new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone: root.dataset.timeZone || undefined }).format(new Date(iso));
}

export function date(iso) {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: root.dataset.timeZone || undefined }).format(new Date(iso));
}
