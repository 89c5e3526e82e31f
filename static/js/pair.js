// Pairing: the ticket is in the URL fragment (never sent to the server, so never logged).
// Take it out of the address bar at once, post it in a body, then go to the phone page.
import { api } from "./live.js";

const status = document.getElementById("pair-status");
const ticket = decodeURIComponent(location.hash.slice(1));
history.replaceState(null, "", location.pathname);

if (!ticket) {
  status.textContent = "This link has no pairing code. Scan the QR code at the kiosk again.";
} else {
  const answer = await api("POST", "/me/pair/", { ticket });
  if (answer.ok) {
    location.replace(answer.data.next);
  } else {
    status.textContent = answer.message;
  }
}
