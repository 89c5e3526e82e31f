// Maps of the mall on the phone page: the server draws each floor (/map/<floor>.svg: plan,
// shops, landmarks, and the walking route from the shopper to pin 1 when staff drew
// corridors); this module puts the shopper's numbered pins and "you are here" on it.
// Numbers follow mall/floorplan.py's list_pins: shops in the order they first appear in
// the list, so a shop's pin shows the number the list shows beside it.

const SVG = "http://www.w3.org/2000/svg";
const floors = new Map(); // floor number -> Promise of the SVG's text

export function listPins(results) {
  const pins = new Map();
  for (const result of results) {
    for (const offer of result.offers) {
      const shop = offer.shop;
      if (!pins.has(shop.slug)) pins.set(shop.slug, { number: pins.size + 1, ...shop });
    }
  }
  return [...pins.values()];
}

export function floorName(number) {
  if (number === 0) return "Ground floor";
  if (number < 0) return `Basement ${-number}`;
  return `Floor ${number}`;
}

function floorSvg(number, here, route) {
  const params = new URLSearchParams();
  if (here) {
    params.set("x", here.x);
    params.set("y", here.y);
  }
  if (route) {
    params.set("from_floor", route.from.floor);
    params.set("from_x", route.from.x);
    params.set("from_y", route.from.y);
    params.set("to", route.to);
  }
  const query = params.toString();
  const key = `${number}?${query}`;
  if (!floors.has(key)) {
    floors.set(key, fetch(`/map/${number}.svg${query ? `?${query}` : ""}`).then((response) => {
      if (!response.ok) throw new Error(`map ${number}: ${response.status}`);
      return response.text();
    }));
  }
  return floors.get(key);
}

function node(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

function place(svg, pins, here) {
  const [, , width, height] = svg.getAttribute("viewBox").split(" ").map(Number);
  const left = Number(svg.dataset.left);
  const top = Number(svg.dataset.top);
  const scale = Math.max(width, height) / 100;
  const layer = svg.querySelector("g.pins");
  if (here) {
    const group = node("g", { class: "here" });
    group.append(
      node("circle", { cx: here.x - left, cy: top - here.y, r: 3.2 * scale, fill: "#d1242f", stroke: "#fff", "stroke-width": 0.8 * scale }),
      node("text", { x: here.x - left, y: top - here.y - 5.4 * scale, "font-size": 4.2 * scale, "text-anchor": "middle", fill: "#a1121c", "font-weight": 700, stroke: "#f3f5f8", "stroke-width": 1.2 * scale, "stroke-linejoin": "round", "paint-order": "stroke" }, "You are here"),
    );
    svg.insertBefore(group, layer);
  }
  for (const pin of pins) {
    const group = node("g", { class: "pin", "data-number": pin.number, "data-shop": pin.slug });
    const x = pin.x - left;
    const y = top - pin.y;
    group.append(
      node("title", {}, `${pin.number}. ${pin.name}`),
      node("circle", { cx: x, cy: y, r: 4 * scale, fill: "#0b57a4", stroke: "#fff", "stroke-width": 0.7 * scale }),
      node("text", { x, y, dy: "0.35em", "font-size": 4.8 * scale, "text-anchor": "middle", fill: "#fff", "font-weight": 700 }, String(pin.number)),
    );
    layer.append(group);
  }
}

// Draws one map per floor that has a pin or "you are here" into `container`, the
// shopper's floor first, with the walking route to pin 1 (the list's first shop). A map
// that cannot be fetched is left out (the list still says where each shop is).
export async function drawMaps(container, results, at) {
  const pins = listPins(results);
  const route = at && pins.length ? { from: at, to: pins[0].slug } : null;
  const byFloor = new Map();
  if (at) byFloor.set(at.floor, []);
  for (const pin of pins) {
    if (!byFloor.has(pin.floor)) byFloor.set(pin.floor, []);
    byFloor.get(pin.floor).push(pin);
  }
  const figures = [];
  for (const [floor, floorPins] of byFloor) {
    let text;
    try { text = await floorSvg(floor, at && at.floor === floor ? at : null, route); } catch (error) { continue; }
    const svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
    place(svg, floorPins, at && at.floor === floor ? at : null);
    const figure = document.createElement("figure");
    figure.className = "map";
    figure.dataset.floor = floor;
    const caption = document.createElement("figcaption");
    const name = (svg.getAttribute("aria-label") || "").replace(/^Map of /, "") || floorName(floor);
    caption.textContent = name + (at && at.floor === floor ? " · you are here" : "");
    figure.append(caption, document.importNode(svg, true));
    figures.push(figure);
  }
  container.replaceChildren(...figures);
  container.hidden = !figures.length;
}
