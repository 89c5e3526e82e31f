// Clerk dashboard: live cards (this shop's matching items with a one-tap sale or hold; take
// the card; offer another item), shoppers who shared, holds and alternatives, barcode scan
// (restock or sell), sale by barcode or name, look-up by code, stock, CSV import, requests.
import { CardBoard, api, chime, clock, date, liveSocket, money, pageData, showStatus, since } from "./live.js";

const page = pageData("page");
const base = `/api/shops/${page.slug}`;
const $ = (id) => document.getElementById(id);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Where the clerk is looking: a message over the page for a few seconds, and in the card
// too while it is still there.
let toastTimer = null;
function toast(text, state) {
  const box = $("toast");
  box.textContent = text;
  box.dataset.state = state;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, 6000);
}

function saleText(sold, name) {
  const fulfilled = sold.wants_fulfilled
    ? ` ${sold.wants_fulfilled === 1 ? "1 want" : `${sold.wants_fulfilled} wants`} fulfilled.`
    : "";
  return `Sold ${sold.quantity} × ${name}; ${sold.remaining} left.${fulfilled}`;
}

async function sell(item, { customer = "", quantity = 1, where = null } = {}) {
  const body = { item: item.id, quantity };
  if (customer) body.customer = customer;
  const sold = await api("POST", `${base}/sales/`, body);
  const text = sold.ok ? saleText(sold.data, item.name) : sold.message;
  const state = sold.ok ? "ok" : "error";
  toast(text, state);
  if (where && where.isConnected) {
    let line = where.querySelector(".sale-result");
    if (!line) { line = element("p", "sale-result message"); line.setAttribute("role", "status"); where.querySelector(".about").append(line); }
    line.textContent = text;
    line.dataset.state = state;
  }
  if (sold.ok) loadStock();
  return sold;
}

// Cards -----------------------------------------------------------------------------------
const board = new CardBoard($("cards"), {
  onChange: (message, count) => {
    $("card-count").textContent = count;
    if (message.type === "card.show") chime();
  },
  itemActions: (card, match, node) => {
    const button = element("button", "primary sell-item", "Sell this to them");
    button.type = "button";
    button.setAttribute("aria-label", `Sell ${match.name} to ${card.customer}`);
    button.addEventListener("click", async () => {
      button.disabled = true;
      await sell(match, { customer: card.customer, where: node });
      button.disabled = false;
    });
    const keep = element("button", "secondary hold-item", "Hold");
    keep.type = "button";
    keep.setAttribute("aria-label", `Hold ${match.name} for ${card.customer}`);
    keep.addEventListener("click", () => holdFor(card.customer, match.id));
    const both = element("div", "item-actions");
    both.append(button, keep);
    return both;
  },
  actions: (card) => {
    const actions = element("div", "actions");
    const take = element("button", "secondary take", card.taken_by ? "Take over" : "I'll serve them");
    take.type = "button";
    take.addEventListener("click", async () => {
      const answer = await api("POST", `${base}/cards/${card.customer}/take/`);
      if (!answer.ok) toast(answer.message, "error");
    });
    const keep = element("button", "secondary hold", "Hold for them");
    keep.type = "button";
    keep.addEventListener("click", () => holdFor(card.customer));
    const instead = element("button", "secondary offer-another", "Offer another item");
    instead.type = "button";
    instead.addEventListener("click", () => offerTo(card.customer));
    const other = element("button", "secondary sell", "Sell another item");
    other.type = "button";
    other.addEventListener("click", () => {
      $("sale-customer").value = card.customer;
      $("sale-panel").scrollIntoView({ behavior: "smooth" });
      $("sale-barcode").focus();
    });
    actions.append(take, keep, instead, other);
    return actions;
  },
});

// Shared with us: who let this shop see their wants, live (share.new / share.withdraw) ----
const shares = new Map();
function renderShares() {
  const ordered = [...shares.values()].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  $("share-count").textContent = ordered.length;
  if (!ordered.length) {
    $("shares").replaceChildren(element("li", "hint empty", "No shopper has shared with you yet."));
    return;
  }
  $("shares").replaceChildren(...ordered.map((share) => {
    const item = element("li", "share");
    item.dataset.customer = share.customer;
    item.append(element("strong", "code", share.customer), element("small", "", ` · shared ${since(share.created_at)}`));
    const wants = element("ul", "wants");
    for (const desire of share.desires) {
      const want = element("li", "", `${desire.name} `);
      want.append(element("span", `level level-${desire.level}`, "●".repeat(desire.level) + "○".repeat(5 - desire.level)));
      wants.append(want);
    }
    const keep = element("button", "secondary", "Hold for them");
    keep.type = "button";
    keep.addEventListener("click", () => holdFor(share.customer));
    const instead = element("button", "secondary", "Offer another item");
    instead.type = "button";
    instead.addEventListener("click", () => offerTo(share.customer));
    const actions = element("div", "actions");
    actions.append(keep, instead);
    item.append(wants, actions);
    return item;
  }));
}
async function loadShares() {
  const answer = await api("GET", `${base}/shares/`);
  if (!answer.ok) return;
  shares.clear();
  for (const share of answer.data) shares.set(share.customer, share);
  renderShares();
}

// Holds and alternatives ---------------------------------------------------------------------
function fillItems(select) {
  const chosen = select.value;
  select.replaceChildren(...stockItems.map((item) => {
    const option = element("option", "", `${item.name} (${item.free} free)`);
    option.value = item.id;
    return option;
  }));
  if (chosen) select.value = chosen;
}

function holdFor(code, item = null) {
  $("hold-customer").value = code;
  if (item !== null) $("hold-item").value = String(item);
  $("serve-panel").scrollIntoView({ behavior: "smooth" });
  $("hold-item").focus();
}

async function offerTo(code) {
  $("alt-customer").value = code;
  $("serve-panel").scrollIntoView({ behavior: "smooth" });
  await loadWants(code);
}

async function loadWants(code) {
  const select = $("alt-desire");
  const answer = await api("GET", `${base}/customers/${encodeURIComponent(code)}/`);
  if (!answer.ok) {
    select.replaceChildren(element("option", "", answer.message));
    select.firstChild.value = "";
    return;
  }
  select.replaceChildren(...answer.data.desires.map((desire) => {
    const option = element("option", "", desire.name);
    option.value = desire.id;
    return option;
  }));
}
$("alt-customer").addEventListener("change", (event) => loadWants(event.target.value.trim()));

function untilOf(value) {
  if (!value) return undefined;
  const [hours, minutes] = value.split(":").map(Number);
  const until = new Date();
  until.setHours(hours, minutes, 0, 0);
  return until.toISOString();
}

$("hold-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = {
    customer: $("hold-customer").value.trim(),
    item: Number($("hold-item").value),
    quantity: Number($("hold-quantity").value) || 1,
  };
  const until = untilOf($("hold-until").value);
  if (until) body.until = until;
  const answer = await api("POST", `${base}/holds/`, body);
  const message = $("hold-message");
  message.dataset.state = answer.ok ? "ok" : "error";
  if (!answer.ok) { message.textContent = answer.message; return; }
  const when = clock(answer.data.until);
  message.textContent = `Kept ${answer.data.quantity} × ${answer.data.item.name} for ${answer.data.customer} until ${when}.`;
  loadHolds();
  loadStock();
});

$("alt-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await api("POST", `${base}/alternatives/`, {
    customer: $("alt-customer").value.trim(),
    desire: Number($("alt-desire").value),
    item: Number($("alt-item").value),
    note: $("alt-note").value.trim(),
  });
  const message = $("alt-message");
  message.dataset.state = answer.ok ? "ok" : "error";
  message.textContent = answer.ok
    ? `Offered ${answer.data.item.name} instead of ${answer.data.desire.name}.`
    : answer.message;
});

async function loadHolds() {
  const answer = await api("GET", `${base}/holds/`);
  if (!answer.ok) return;
  if (!answer.data.length) {
    $("holds").replaceChildren(element("li", "hint empty", "Nothing is held."));
    return;
  }
  $("holds").replaceChildren(...answer.data.map((hold) => {
    const row = element("li", "hold-row");
    row.dataset.hold = hold.id;
    const until = clock(hold.until);
    row.append(element("span", "", `${hold.quantity} × ${hold.item.name} for ${hold.customer} until ${until} `));
    const cancel = element("button", "link danger", "Cancel");
    cancel.type = "button";
    cancel.addEventListener("click", async () => {
      const done = await api("DELETE", `${base}/holds/${hold.id}/`);
      if (!done.ok) alert(done.message);
      loadHolds();
      loadStock();
    });
    row.append(cancel);
    return row;
  }));
}

// Scan: a barcode finds the item; restock it or sell it in one step --------------------------
$("scan-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const code = $("scan-barcode").value.trim();
  const result = $("scan-result");
  if (!code) return;
  const url = `${base}/stock/by-barcode/${encodeURIComponent(code)}/`;
  const found = await api("GET", url);
  result.replaceChildren();
  if (!found.ok) {
    result.append(element("p", "field-error", found.message));
    if (found.status === 404) {
      const add = element("button", "secondary", "Add it to the stock");
      add.type = "button";
      add.addEventListener("click", () => {
        resetStockForm();
        $("stock-barcode").value = code;
        $("stock-panel").scrollIntoView({ behavior: "smooth" });
        $("stock-name").focus();
      });
      result.append(add);
    }
    return;
  }
  const box = element("div", "scan-found");
  const show = (item) => {
    box.replaceChildren(element("strong", "name", item.name),
      element("p", "", `${item.quantity} on the shelf, ${item.free} free · ${money(item.price)}`));
  };
  show(found.data);
  const count = element("input");
  count.type = "number";
  count.min = "1";
  count.value = "1";
  count.id = "scan-count";
  count.setAttribute("aria-label", "How many");
  const buyer = element("input");
  buyer.id = "scan-customer";
  buyer.placeholder = "Customer code (optional)";
  buyer.maxLength = 8;
  const restock = element("button", "secondary", "Restock");
  restock.type = "button";
  restock.id = "scan-restock";
  const sell = element("button", "primary", "Sell");
  sell.type = "button";
  sell.id = "scan-sell";
  const message = element("p", "message");
  message.setAttribute("role", "status");
  restock.addEventListener("click", async () => {
    const answer = await api("PUT", url, { add: Number(count.value) || 1 });
    message.textContent = answer.ok ? `Restocked: ${answer.data.quantity} on the shelf.` : answer.message;
    if (answer.ok) { show(answer.data); loadStock(); }
  });
  sell.addEventListener("click", async () => {
    const body = { item: found.data.id, quantity: Number(count.value) || 1 };
    if (buyer.value.trim()) body.customer = buyer.value.trim();
    const answer = await api("POST", `${base}/sales/`, body);
    message.textContent = answer.ok ? `Sold ${answer.data.quantity}; ${answer.data.remaining} left.` : answer.message;
    if (answer.ok) { loadStock(); loadHolds(); }
  });
  const row = element("div", "row");
  row.append(count, buyer, restock, sell);
  result.append(box, row, message);
});

// Sale: a barcode scanner types the code and presses Enter; a name lists the choices ------
const saleMessage = $("sale-message");
const saleChoices = $("sale-choices");
$("sale-form").addEventListener("submit", (event) => event.preventDefault());

async function sellFromForm(item) {
  saleChoices.replaceChildren();
  const customer = $("sale-customer").value.trim();
  const sold = await sell(item, { customer, quantity: Number($("sale-quantity").value) || 1 });
  saleMessage.textContent = sold.ok ? saleText(sold.data, item.name) : sold.message;
  saleMessage.dataset.state = sold.ok ? "ok" : "error";
  if (sold.ok) {
    $("sale-customer").value = "";
    $("sale-quantity").value = "1";
  }
  $("sale-barcode").focus();
}

$("sale-barcode").addEventListener("keydown", async (event) => {
  if (event.key !== "Enter") return;
  event.preventDefault();
  const input = event.target;
  const text = input.value.trim();
  if (!text) return;
  saleChoices.replaceChildren();
  const found = await api("GET", `${base}/stock/?q=${encodeURIComponent(text)}`);
  if (!found.ok) { saleMessage.textContent = found.message; saleMessage.dataset.state = "error"; return; }
  const byBarcode = found.data.find((item) => item.barcode === text);
  if (byBarcode) {
    input.value = "";
    await sellFromForm(byBarcode);
    return;
  }
  if (!found.data.length) {
    saleMessage.textContent = /^\d+$/.test(text)
      ? `No item here has the barcode ${text}.`
      : `No item here is called “${text}”.`;
    saleMessage.dataset.state = "error";
    return;
  }
  saleMessage.textContent = found.data.length === 1 ? "Tap the item to sell it:" : `${found.data.length} items match; tap the one to sell:`;
  saleMessage.dataset.state = "";
  saleChoices.replaceChildren(...found.data.slice(0, 8).map((item) => {
    const choice = element("button", "secondary choice-item", `${item.name} · ${money(item.price)} · ${item.quantity} in stock`);
    choice.type = "button";
    choice.disabled = item.quantity < 1;
    choice.addEventListener("click", () => { input.value = ""; sellFromForm(item); });
    return choice;
  }));
});

// Look-up: the shopper shows their code, so it counts as sharing with this shop ------------
$("lookup-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = $("lookup-result");
  const code = $("lookup-code").value.trim();
  if (!code) return;
  const answer = await api("POST", `${base}/shares/`, { customer: code });
  result.replaceChildren();
  if (!answer.ok) { result.append(element("p", "field-error", answer.message)); return; }
  result.append(element("h3", "", `Shopper ${answer.data.code} · pays by ${answer.data.payment_method}`));
  const list = element("ul", "wants");
  for (const desire of answer.data.desires) {
    const item = element("li", "", `${desire.name} `);
    item.append(element("span", `level level-${desire.level}`, "●".repeat(desire.level) + "○".repeat(5 - desire.level)));
    if (desire.keywords.length) item.append(element("small", "", ` (${desire.keywords.join(", ")})`));
    if (desire.note) item.append(element("p", "note", desire.note));
    list.append(item);
  }
  result.append(list);
  $("sale-customer").value = answer.data.code;
});

// Stock -------------------------------------------------------------------------------------
const stockBody = document.querySelector("#stock-table tbody");
const stockMessage = $("stock-message");
let stockItems = [];

async function loadStock() {
  const answer = await api("GET", `${base}/stock/`);
  if (!answer.ok) { stockMessage.textContent = answer.message; return; }
  stockItems = answer.data;
  fillItems($("hold-item"));
  fillItems($("alt-item"));
  stockBody.replaceChildren(...stockItems.map((item) => {
    const row = element("tr");
    row.dataset.item = item.id;
    row.append(
      element("td", "name", item.name),
      element("td", "qty", String(item.quantity)),
      element("td", "price", money(item.price)),
      element("td", "barcode", item.barcode),
      element("td", "until", date(item.expires_at)),
    );
    ["Name", "Quantity", "Price", "Barcode", "Valid until"].forEach((label, index) => {
      row.children[index].dataset.label = label;
    });
    const actions = element("td", "actions");
    const edit = element("button", "secondary", "Edit");
    edit.type = "button";
    edit.addEventListener("click", () => editItem(item));
    const remove = element("button", "danger", "Delete");
    remove.type = "button";
    remove.addEventListener("click", async () => {
      if (!confirm(`Delete ${item.name}?`)) return;
      const answer = await api("DELETE", `${base}/stock/${item.id}/`);
      stockMessage.textContent = answer.ok ? `Deleted ${item.name}.` : answer.message;
      loadStock();
    });
    actions.append(edit, remove);
    row.append(actions);
    return row;
  }));
}

function editItem(item) {
  $("stock-id").value = item.id;
  $("stock-name").value = item.name;
  $("stock-keywords").value = item.keywords.join(", ");
  $("stock-quantity").value = item.quantity;
  $("stock-price").value = item.price;
  $("stock-barcode").value = item.barcode;
  $("stock-days").value = "";
  $("stock-save").textContent = "Save changes";
  $("stock-cancel").hidden = false;
  $("stock-name").focus();
}

function resetStockForm() {
  $("stock-form").reset();
  $("stock-id").value = "";
  $("stock-save").textContent = "Add item";
  $("stock-cancel").hidden = true;
}
$("stock-cancel").addEventListener("click", resetStockForm);

$("stock-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const id = $("stock-id").value;
  const body = {
    name: $("stock-name").value.trim(),
    keywords: $("stock-keywords").value.split(",").map((w) => w.trim()).filter(Boolean),
    quantity: Number($("stock-quantity").value),
    price: $("stock-price").value.trim(),
    barcode: $("stock-barcode").value.trim(),
  };
  if ($("stock-days").value) body.valid_days = Number($("stock-days").value);
  const answer = id
    ? await api("PATCH", `${base}/stock/${id}/`, body)
    : await api("POST", `${base}/stock/`, body);
  stockMessage.textContent = answer.ok ? `Saved ${answer.data.name}.` : answer.message;
  if (answer.ok) { resetStockForm(); loadStock(); }
});

$("import-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const report = $("import-report");
  const file = $("import-file").files[0];
  if (!file) { report.textContent = "Choose a CSV file first."; return; }
  const form = new FormData();
  form.append("file", file);
  const answer = await api("POST", `/shop/${page.slug}/stock/import/`, form);
  report.replaceChildren();
  if (answer.ok) {
    const count = answer.data.imported;
    report.append(element("p", "ok", `Imported ${count} item${count === 1 ? "" : "s"}.`));
    loadStock();
    return;
  }
  report.append(element("p", "field-error", answer.message));
  const lines = (answer.data && answer.data.error && answer.data.error.fields) || [];
  const list = element("ul", "line-errors");
  for (const line of lines) list.append(element("li", "", `Line ${line.line}: ${line.message}`));
  report.append(list);
});

// Requests ----------------------------------------------------------------------------------
const requestList = $("requests");
const requests = new Map();

function renderRequests() {
  const ordered = [...requests.values()].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  $("request-count").textContent = ordered.filter((r) => !r.reply).length;
  if (!ordered.length) { requestList.replaceChildren(element("li", "hint empty", "No requests yet.")); return; }
  requestList.replaceChildren(...ordered.map((request) => {
    const item = element("li", "request");
    item.dataset.request = request.id;
    item.append(element("strong", "", request.customer), element("p", "", request.text));
    if (request.reply) {
      item.append(element("p", "reply", `You replied: ${request.reply}`));
    } else {
      const form = element("form", "row");
      const input = element("input");
      input.placeholder = "Reply";
      input.maxLength = 500;
      const send = element("button", "primary", "Reply");
      form.append(input, send);
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const answer = await api("POST", `${base}/requests/${request.id}/reply/`, { text: input.value });
        if (answer.ok) { requests.set(request.id, answer.data); renderRequests(); }
        else alert(answer.message);
      });
      item.append(form);
    }
    return item;
  }));
}

async function loadRequests() {
  const answer = await api("GET", `${base}/requests/`);
  if (!answer.ok) return;
  for (const request of answer.data) requests.set(request.id, request);
  renderRequests();
}

// Live ----------------------------------------------------------------------------------------
liveSocket(`/ws/shops/${page.slug}/`, {
  onMessage: (message) => {
    if (board.apply(message)) {
      if (message.type === "hold.update") { loadHolds(); loadStock(); }
      return;
    }
    if (message.type === "request.new") {
      requests.set(message.request.id, message.request);
      renderRequests();
      chime();
    } else if (message.type === "share.new") {
      shares.set(message.share.customer, message.share);
      renderShares();
      chime();
    } else if (message.type === "share.withdraw") {
      shares.delete(message.customer);
      renderShares();
    }
  },
  onStatus: (state) => showStatus($("live-status"), state),
});
loadStock();
loadRequests();
loadShares();
loadHolds();
