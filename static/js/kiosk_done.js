// The result page of a shared kiosk: back to an empty form after two minutes, so that the
// next person does not see this shopper's code and key.
setTimeout(() => location.replace("/kiosk/"), 120000);
