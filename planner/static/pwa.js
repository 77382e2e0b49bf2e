// The installable app: registers the service worker, marks a page shown offline as a
// read-only copy, and turns phone notifications on or off for this device.
"use strict";
(() => {
  const PAGES_CACHE = "planner-pages";  // the service worker's copies of today and the week
  // The words shown here, in the page's language (layout.html's <body data-words>, from planner/templating.py).
  let WORDS = {};
  try {
    WORDS = JSON.parse(document.body.dataset.words || "{}");
  } catch (error) {
    WORDS = {};
  }
  const word = (key, english) => WORDS[key] || english;
  const OFFLINE_TEXT = word("offline", "You're offline — this is what you last saw. Changes are off until you're back online.");
  const FAILED = word("failed", "That didn't work. Please try again.");
  const CONTROLS = "button, input, select, textarea";

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(() => {});
  }

  const offlineCopy = () => document.body.hasAttribute("data-offline-copy");
  const isOffline = () => offlineCopy() || navigator.onLine === false;

  function banner() {
    let note = document.getElementById("offline-banner");
    if (!note) {
      note = document.createElement("p");
      note.id = "offline-banner";
      note.className = "offline-banner";
      note.setAttribute("role", "status");
      note.textContent = OFFLINE_TEXT;
      const main = document.getElementById("main") || document.body;
      main.prepend(note);
    }
    return note;
  }

  function readOnly(on) {
    if (on) {
      banner();
      document.documentElement.classList.add("is-offline");
      for (const control of document.querySelectorAll(CONTROLS)) {
        if (!control.disabled) {
          control.disabled = true;
          control.dataset.offlineDisabled = "1";
        }
      }
    } else {
      document.getElementById("offline-banner")?.remove();
      document.documentElement.classList.remove("is-offline");
      for (const control of document.querySelectorAll("[data-offline-disabled]")) {
        control.disabled = false;
        delete control.dataset.offlineDisabled;
      }
    }
  }

  // Nothing is sent while offline: not a form, not an htmx request.
  document.addEventListener("submit", (event) => { if (isOffline()) event.preventDefault(); }, true);
  document.addEventListener("htmx:beforeRequest", (event) => { if (isOffline()) event.preventDefault(); });
  window.addEventListener("offline", () => readOnly(true));
  window.addEventListener("online", () => {
    if (!offlineCopy()) {
      readOnly(false);
      return;
    }
    // Still the kept copy: say so, and let the member load the real page when they like.
    const note = banner();
    note.textContent = word("backOnline", "You're back online. This is still the copy you last saw: ");
    const link = document.createElement("a");
    link.href = window.location.href;
    link.textContent = word("showLatest", "show the latest");
    note.append(link, ".");
  });
  readOnly(isOffline());

  // Nobody's pages stay on a device once they are signed out (or someone else signs in).
  const forgetPages = () => ("caches" in window ? caches.delete(PAGES_CACHE) : Promise.resolve());
  if (document.querySelector("meta[name=planner-forget-pages]") && !isOffline()) forgetPages();
  document.querySelector("form.logout")?.addEventListener("submit", () => { forgetPages(); });

  // -- phone notifications --------------------------------------------------------------
  const status = (text) => {
    const place = document.getElementById("push-status");
    if (place) place.textContent = text;
  };

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  async function postJSON(url, data) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(data),
    });
    let answer = {};
    try { answer = await response.json(); } catch (error) { answer = {}; }
    if (!response.ok) throw new Error(answer.error || answer.detail || FAILED);
    return answer;
  }

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  async function turnOn(button) {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      status(word("noNotifications", "This browser can't show notifications. On an iPhone, add Planner to the home screen first and open it from there."));
      return;
    }
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      status(word("blocked", "Notifications are blocked for Planner. Allow them in this browser's site settings, then try again."));
      return;
    }
    const key = await fetch(button.dataset.pushKey, {credentials: "same-origin", headers: {"Accept": "application/json"}}).then((r) => r.json());
    const registration = await navigator.serviceWorker.ready;
    const subscription = (await registration.pushManager.getSubscription()) ||
      (await registration.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: keyBytes(key.publicKey)}));
    const answer = await postJSON(button.dataset.pushOn, subscription.toJSON());
    status(answer.message);
    window.location.reload();
  }

  async function turnOff(button) {
    const registration = await navigator.serviceWorker?.getRegistration();
    const subscription = registration && (await registration.pushManager.getSubscription());
    if (!subscription) {
      status(word("notOn", "Notifications aren't on for this device."));
      return;
    }
    const answer = await postJSON(button.dataset.pushOff, {endpoint: subscription.endpoint});
    await subscription.unsubscribe();
    status(answer.message);
    window.location.reload();
  }

  document.addEventListener("click", (event) => {
    const on = event.target.closest("[data-push-on]");
    const off = event.target.closest("[data-push-off]");
    if (!on && !off) return;
    event.preventDefault();
    status(word("oneMoment", "One moment…"));
    (on ? turnOn(on) : turnOff(off)).catch((error) => status(error.message || FAILED));
  });
})();
