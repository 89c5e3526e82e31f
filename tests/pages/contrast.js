// Contrast ratio (WCAG) of an element's text on its composited background; read by looks.py.
(element) => {
  const parse = (color) => {
    const match = color.match(/rgba?\(([^)]+)\)/);
    if (!match) return [0, 0, 0, 0];
    const parts = match[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const luminance = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const color = parse(getComputedStyle(node).backgroundColor);
    if (color[3] > 0) { layers.push(color); if (color[3] >= 1) break; }
  }
  let background = [255, 255, 255];
  for (const c of layers.reverse()) background = background.map((v, i) => c[i] * c[3] + v * (1 - c[3]));
  const style = getComputedStyle(element);
  const fg = parse(style.color);
  const text = fg.slice(0, 3).map((v, i) => v * fg[3] + background[i] * (1 - fg[3]));
  const a = luminance(text), b = luminance(background);
  const size = parseFloat(style.fontSize);
  const bold = Number(style.fontWeight) >= 700;
  return {
    ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
    large: size >= 24 || (bold && size >= 18.66),
    size,
    text: (element.innerText || "").trim().slice(0, 40),
  };
}
