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
export class CardBoard {
  constructor(container, { onChange = () => {}, actions = null } = {}) {
    this.container = container;
    this.template = document.getElementById("card-template");
    this.cards = new Map();
    this.onChange = onChange;
    this.actions = actions;
    setInterval(() => this.refreshTimes(), 10000);
  }

  apply(message) {
    if (message.type === "cards.snapshot") {
      this.cards = new Map(message.cards.map((card) => [card.customer, card]));
    } else if (message.type === "card.show") {
      this.cards.set(message.card.customer, message.card);
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
    const ordered = [...this.cards.values()].sort((a, b) => Date.parse(b.seen_at) - Date.parse(a.seen_at));
    this.container.replaceChildren(...ordered.map((card) => this.element(card)));
    if (!ordered.length) {
      const empty = document.createElement("p");
      empty.className = "hint empty";
      empty.textContent = "No matching shopper nearby.";
      this.container.append(empty);
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
      const until = new Date(hold.until).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      const item = document.createElement("li");
      item.textContent = `Kept: ${hold.quantity} × ${hold.item.name} until ${until}`;
      holds.append(item);
    }
    node.querySelector(".kiosk").textContent = card.seen_at_kiosk ? `seen at ${card.seen_at_kiosk}` : "seen";
    node.querySelector(".distance").textContent = `${Math.round(card.distance_m)} m away`;
    const time = node.querySelector(".since");
    time.dateTime = card.seen_at;
    time.textContent = since(card.seen_at);
    if (this.actions) node.querySelector(".about").append(this.actions(card));
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

export function date(iso) {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: root.dataset.timeZone || undefined }).format(new Date(iso));
}
