// Entrance kiosk: want rows added and removed, suggestions from what the mall stocks as the
// shopper types (GET /api/search/; silently off when the server has no search), and a
// webcam photo that lands in the same file input as an upload, so the form posts one way
// whichever was used (and works without a camera).
import { pageData } from "./live.js";
import { wireSearch } from "./search.js";

wireSearch({
  form: document.getElementById("search-form"),
  input: document.getElementById("search-q"),
  list: document.getElementById("search-results"),
  message: document.getElementById("search-message"),
  position: () => pageData("entrance"),
});

const wants = document.getElementById("wants");
const addButton = document.getElementById("add-want");

function rows() { return [...wants.querySelectorAll(".want-row")]; }

function refreshRemoveButtons() {
  const all = rows();
  all.forEach((row) => { row.querySelector(".remove-want").hidden = all.length === 1; });
}

function wire(row) {
  row.querySelector(".remove-want").addEventListener("click", () => {
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    refreshRemoveButtons();
    next?.querySelector("input")?.focus();
  });
  const name = row.querySelector(".want-name");
  name.addEventListener("input", () => suggest(row, name.value));
}

addButton.addEventListener("click", () => {
  const row = rows()[0].cloneNode(true);
  row.classList.remove("has-error");
  row.querySelector(".field-error")?.remove();
  row.querySelector(".want-hint").textContent = "";
  row.querySelectorAll("input").forEach((input) => { input.value = ""; });
  row.querySelector("select").value = "3";
  wants.append(row);
  wire(row);
  refreshRemoveButtons();
  row.querySelector("input").focus();
});
rows().forEach(wire);
refreshRemoveButtons();

// Suggestions ---------------------------------------------------------------------------
const suggestions = document.getElementById("suggestions");
let searchAvailable = true;
let timer = null;

function suggest(row, text) {
  clearTimeout(timer);
  const hint = row.querySelector(".want-hint");
  const q = text.trim();
  if (!searchAvailable || q.length < 3) { hint.textContent = ""; return; }
  timer = setTimeout(async () => {
    let answer;
    try {
      const params = new URLSearchParams({ q, limit: "8" });
      const entrance = pageData("entrance");
      if (entrance?.checkin) params.set("kiosk", entrance.checkin);
      const response = await fetch(`/api/search/?${params}`, { credentials: "same-origin" });
      if (response.status === 404) { searchAvailable = false; return; }
      if (!response.ok) return;
      answer = await response.json();
    } catch (error) { return; }
    if (row.querySelector(".want-name").value.trim() !== q) return; // typed on since
    const names = [...new Set((answer.results || []).map((hit) => (hit.item && hit.item.name) || hit.item).filter(Boolean))];
    suggestions.replaceChildren(...names.map((name) => {
      const option = document.createElement("option");
      option.value = name;
      return option;
    }));
    hint.textContent = answer.total === 0
      ? "Nothing in the mall matches this yet. Try other words; we will still tell you when a shop has it."
      : "";
  }, 250);
}

// Photo ---------------------------------------------------------------------------------
const fileInput = document.getElementById("face-image");
const status = document.getElementById("camera-status");
const video = document.getElementById("camera-video");
const canvas = document.getElementById("camera-canvas");
const preview = document.getElementById("camera-preview");
const startButton = document.getElementById("camera-start");
const shootButton = document.getElementById("camera-shoot");
const retakeButton = document.getElementById("camera-retake");
const removeButton = document.getElementById("photo-remove");
const consent = document.querySelector("input[name=consent]");
let stream = null;

// The camera button only where a camera is: no empty black box on a kiosk without one.
(async () => {
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    if (devices.some((device) => device.kind === "videoinput")) startButton.hidden = false;
  } catch (error) { /* no media devices at all */ }
})();

function stopCamera() {
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
  video.hidden = true;
}

function showPhoto(source, message) {
  preview.src = source;
  preview.hidden = false;
  removeButton.hidden = false;
  status.textContent = message;
}

startButton.addEventListener("click", async () => {
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false });
  } catch (error) {
    status.textContent = "The camera could not be used. Choose a photo file instead, or skip it.";
    startButton.hidden = true;
    return;
  }
  video.srcObject = stream;
  video.hidden = false;
  preview.hidden = true;
  startButton.hidden = true;
  shootButton.hidden = false;
  status.textContent = "Look at the camera, then press Take photo.";
});

shootButton.addEventListener("click", () => {
  canvas.width = video.videoWidth || 640;
  canvas.height = video.videoHeight || 480;
  canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
  canvas.toBlob((blob) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], "camera.jpg", { type: "image/jpeg" }));
    fileInput.files = transfer.files;
    stopCamera();
    shootButton.hidden = true;
    retakeButton.hidden = false;
    showPhoto(URL.createObjectURL(blob), "Photo taken. Tick the consent box to keep it.");
  }, "image/jpeg", 0.9);
});

retakeButton.addEventListener("click", () => {
  fileInput.value = "";
  retakeButton.hidden = true;
  startButton.hidden = false;
  startButton.click();
});

removeButton.addEventListener("click", () => {
  stopCamera();
  fileInput.value = "";
  preview.hidden = true;
  preview.removeAttribute("src");
  removeButton.hidden = true;
  retakeButton.hidden = true;
  shootButton.hidden = true;
  status.textContent = "Photo removed.";
});

fileInput.addEventListener("change", () => {
  if (fileInput.files.length) {
    stopCamera();
    showPhoto(URL.createObjectURL(fileInput.files[0]), "Photo chosen. Tick the consent box to keep it.");
  }
});

document.getElementById("register").addEventListener("submit", (event) => {
  if (fileInput.files.length && !consent.checked) {
    event.preventDefault();
    status.textContent = "Tick the consent box to use your photo, or press Remove photo.";
    consent.focus();
  }
  stopCamera();
});
