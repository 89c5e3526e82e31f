// "Who has it?": a search box over GET /api/search/, ranked from a position (the entrance
// kiosk's, or where the shopper was last seen). Used by the entrance page and /me/.
import { api, money } from "./live.js";
import { floorName } from "./map.js";

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function wireSearch({ form, input, list, message, position = () => null, ranking = () => "nearest" }) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = input.value.trim();
    list.replaceChildren();
    if (!q) { message.textContent = "Type what you are looking for."; return; }
    const params = new URLSearchParams({ q, ranking: ranking() });
    const at = position();
    if (at?.checkin) params.set("kiosk", at.checkin);
    else if (at) { params.set("floor", at.floor); params.set("x", at.x); params.set("y", at.y); }
    const answer = await api("GET", `/api/search/?${params}`);
    if (!answer.ok) { message.textContent = answer.message; return; }
    const total = answer.data.total;
    message.textContent = total
      ? `${total} item${total > 1 ? "s" : ""} in the mall.`
      : "No shop has it right now.";
    for (const hit of answer.data.results) {
      const item = element("li", "offer");
      item.dataset.shop = hit.shop.slug;
      const distance = hit.distance_m == null ? "" : ` · ${Math.round(hit.distance_m)} m from you`;
      item.append(
        element("strong", "shop", hit.shop.name),
        element("span", "price", money(hit.item.price)),
        element("span", "item", `${hit.item.name}${hit.similar ? " (similar)" : ""}`),
        element("span", "where", `${hit.shop.directions || floorName(hit.shop.floor)}${distance}`),
      );
      list.append(item);
    }
  });
}
