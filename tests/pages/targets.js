// Visible touch targets smaller than `minimum` CSS pixels either way; read by looks.py.
([selector, minimum]) => [...document.querySelectorAll(selector)]
  .filter((e) => e.offsetParent !== null || getComputedStyle(e).position === "fixed")
  .map((e) => ({ box: e.getBoundingClientRect(), name: (e.id || e.innerText || e.name || e.tagName).trim().slice(0, 30) }))
  .filter(({ box }) => box.width > 0 && (box.width < minimum - 0.5 || box.height < minimum - 0.5))
  .map(({ box, name }) => `${name} ${Math.round(box.width)}x${Math.round(box.height)}`)
