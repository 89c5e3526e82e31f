// Entrance kiosk: more want rows, and a webcam photo that lands in the same file input as an
// upload, so the form posts one way whichever was used (and works without a camera).
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
document.getElementById("add-want").addEventListener("click", () => {
  const row = wants.querySelector(".want-row").cloneNode(true);
  row.classList.remove("has-error");
  row.querySelector(".field-error")?.remove();
  row.querySelectorAll("input").forEach((input) => { input.value = ""; });
  row.querySelector("select").value = "3";
  wants.append(row);
  row.querySelector("input").focus();
});

const fileInput = document.getElementById("face-image");
const status = document.getElementById("camera-status");
const camera = document.getElementById("camera");
const video = document.getElementById("camera-video");
const canvas = document.getElementById("camera-canvas");
const preview = document.getElementById("camera-preview");
const startButton = document.getElementById("camera-start");
const shootButton = document.getElementById("camera-shoot");
const retakeButton = document.getElementById("camera-retake");
const consent = document.querySelector("input[name=consent]");
let stream = null;

if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
  camera.hidden = false;
} else {
  status.textContent = "No camera here: choose a photo file instead, or skip it.";
}

function stopCamera() {
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
  video.hidden = true;
}

startButton.addEventListener("click", async () => {
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false });
  } catch (error) {
    status.textContent = "The camera could not be used. Choose a photo file instead, or skip it.";
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
    preview.src = URL.createObjectURL(blob);
    preview.hidden = false;
    stopCamera();
    shootButton.hidden = true;
    retakeButton.hidden = false;
    status.textContent = "Photo taken. Tick the consent box to keep it.";
  }, "image/jpeg", 0.9);
});

retakeButton.addEventListener("click", () => {
  fileInput.value = "";
  retakeButton.hidden = true;
  startButton.hidden = false;
  startButton.click();
});

fileInput.addEventListener("change", () => {
  if (fileInput.files.length) {
    preview.src = URL.createObjectURL(fileInput.files[0]);
    preview.hidden = false;
    status.textContent = "Photo chosen. Tick the consent box to keep it.";
  }
});

document.getElementById("register").addEventListener("submit", (event) => {
  if (fileInput.files.length && !consent.checked) {
    event.preventDefault();
    status.textContent = "Tick the consent box to use your photo, or remove the photo.";
    consent.focus();
  }
  stopCamera();
});
