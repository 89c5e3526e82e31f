// Clerk dashboard: live cards, sale by scanner, look-up by code, stock, CSV import, requests.
import { CardBoard, api, chime, liveSocket, pageData, showStatus } from "./live.js";

const page = pageData("page");
const base = `/api/shops/${page.slug}`;
const $ = (id) => document.getElementById(id);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Cards -----------------------------------------------------------------------------------
const board = new CardBoard($("cards"), {
  onChange: (message, count) => {
    $("card-count").textContent = count;
    if (message.type === "card.show") chime();
  },
  actions: (card) => {
    const sell = element("button", "secondary sell", `Sell to ${card.customer}`);
    sell.type = "button";
    sell.addEventListener("click", () => {
      $("sale-customer").value = card.customer;
      $("sale-panel").scrollIntoView({ behavior: "smooth" });
      $("sale-barcode").focus();
    });
    return sell;
  },
});

// Sale: a barcode scanner types the code and presses Enter ---------------------------------
const saleMessage = $("sale-message");
$("sale-form").addEventListener("submit", (event) => event.preventDefault());
$("sale-barcode").addEventListener("keydown", async (event) => {
  if (event.key !== "Enter") return;
  event.preventDefault();
  const input = event.target;
  const code = input.value.trim();
  if (!code) return;
  input.value = "";
  const found = await api("GET", `${base}/stock/?q=${encodeURIComponent(code)}`);
  if (!found.ok) { saleMessage.textContent = found.message; return; }
  const items = found.data.filter((item) => item.barcode === code);
  const item = items[0] || (found.data.length === 1 ? found.data[0] : null);
  if (!item) {
    saleMessage.textContent = `No item with barcode ${code}.`;
    saleMessage.dataset.state = "error";
    return;
  }
  const customer = $("sale-customer").value.trim();
  const body = { item: item.id, quantity: Number($("sale-quantity").value) || 1 };
  if (customer) body.customer = customer;
  const sold = await api("POST", `${base}/sales/`, body);
  if (sold.ok) {
    const fulfilled = sold.data.wants_fulfilled ? `, ${sold.data.wants_fulfilled} want(s) fulfilled` : "";
    saleMessage.textContent = `Sold ${sold.data.quantity} × ${item.name}; ${sold.data.remaining} left${fulfilled}.`;
    saleMessage.dataset.state = "ok";
    $("sale-customer").value = "";
    $("sale-quantity").value = "1";
    loadStock();
  } else {
    saleMessage.textContent = sold.message;
    saleMessage.dataset.state = "error";
  }
  input.focus();
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
  stockBody.replaceChildren(...stockItems.map((item) => {
    const row = element("tr");
    row.dataset.item = item.id;
    row.append(
      element("td", "name", item.name),
      element("td", "qty", String(item.quantity)),
      element("td", "price", item.price),
      element("td", "barcode", item.barcode),
      element("td", "until", new Date(item.expires_at).toLocaleDateString()),
    );
    const actions = element("td", "actions");
    const edit = element("button", "link", "Edit");
    edit.type = "button";
    edit.addEventListener("click", () => editItem(item));
    const remove = element("button", "link danger", "Delete");
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
    report.append(element("p", "ok", `Imported ${answer.data.imported} item(s).`));
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
    if (board.apply(message)) return;
    if (message.type === "request.new") {
      requests.set(message.request.id, message.request);
      renderRequests();
      chime();
    }
  },
  onStatus: (state) => showStatus($("live-status"), state),
});
loadStock();
loadRequests();
