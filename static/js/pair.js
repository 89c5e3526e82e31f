// Pairing: the ticket is in the URL fragment (never sent to the server, so never logged).
// Take it out of the address bar at once, post it in a body, then go to the phone page.
import { api } from "./live.js";

const status = document.getElementById("pair-status");
const heading = document.querySelector("h1");
const AGAIN = " Each pairing code works once, within 10 minutes. To use this phone, scan the QR code on any shop's screen and register here, or register again at the entrance kiosk.";

function failed(message) {
  heading.textContent = "This phone could not be paired";
  status.textContent = message + AGAIN;
}
const ticket = decodeURIComponent(location.hash.slice(1));
history.replaceState(null, "", location.pathname);

if (!ticket) {
  failed("This link has no pairing code.");
} else {
  const answer = await api("POST", "/me/pair/", { ticket });
  if (answer.ok) {
    location.replace(answer.data.next);
  } else {
    failed(answer.message);
  }
}
