// Admin change forms of shops, kiosks and landmarks: a click on the floor's map sets the
// x and y fields (metres), and changing the floor field shows that floor's map.
"use strict";
(function () {
  const SVG = "http://www.w3.org/2000/svg";

  function metres(svg, event) {
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const local = point.matrixTransform(svg.getScreenCTM().inverse());
    return {
      x: Math.round((local.x + Number(svg.dataset.left)) * 10) / 10,
      y: Math.round((Number(svg.dataset.top) - local.y) * 10) / 10,
    };
  }

  function mark(svg, position) {
    svg.querySelector("g.here")?.remove();
    const [, , width, height] = svg.getAttribute("viewBox").split(" ").map(Number);
    const scale = Math.max(width, height) / 100;
    const group = document.createElementNS(SVG, "g");
    group.setAttribute("class", "here");
    const circle = document.createElementNS(SVG, "circle");
    circle.setAttribute("cx", position.x - Number(svg.dataset.left));
    circle.setAttribute("cy", Number(svg.dataset.top) - position.y);
    circle.setAttribute("r", 3.2 * scale);
    circle.setAttribute("fill", "#d1242f");
    circle.setAttribute("stroke", "#fff");
    circle.setAttribute("stroke-width", 0.8 * scale);
    group.append(circle);
    svg.append(group);
  }

  function wire(container) {
    const svg = container.querySelector("svg");
    if (!svg) return;
    svg.addEventListener("click", (event) => {
      const position = metres(svg, event);
      const x = document.getElementById("id_x");
      const y = document.getElementById("id_y");
      if (!x || !y) return;
      x.value = position.x;
      y.value = position.y;
      x.dispatchEvent(new Event("change", { bubbles: true }));
      mark(svg, position);
    });
  }

  async function show(container, floor) {
    const response = await fetch(`/map/${floor}.svg`);
    if (!response.ok) return;
    const svg = new DOMParser().parseFromString(await response.text(), "image/svg+xml").documentElement;
    container.querySelector("svg")?.replaceWith(document.importNode(svg, true));
    container.dataset.floor = floor;
    wire(container);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const container = document.querySelector(".place-map");
    if (!container) return;
    wire(container);
    const floor = document.getElementById("id_floor") || document.getElementById("id_number");
    floor?.addEventListener("change", () => {
      if (/^-?\d{1,3}$/.test(floor.value.trim())) show(container, floor.value.trim());
    });
  });
})();
