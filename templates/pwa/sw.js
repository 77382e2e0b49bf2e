// Planner's service worker: the app's own files kept for offline use, the last home and
// week pages seen kept to show offline (read-only), and phone notifications.
"use strict";
const VERSION = {{ version|tojson }};
const STATIC_CACHE = `planner-static-${VERSION}`;
const PAGES_CACHE = "planner-pages";
const ASSETS = {{ assets|tojson }};
const OFFLINE_URL = {{ offline_url|tojson }};
// The week's pages (any view or day of it), not a day's own skip or ask form.
const REMEMBERED = [/^\/home$/, /^\/week(\/\d{4}-\d{2}-\d{2})?$/];
const SIGN_IN = {{ sign_in_url|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    await cache.addAll(ASSETS);
    // The offline page as anyone sees it: no member's details in it.
    await cache.put(OFFLINE_URL, await fetch(OFFLINE_URL, {credentials: "omit"}));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("planner-static-") && name !== STATIC_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "forget-pages") event.waitUntil(caches.delete(PAGES_CACHE));
});

const remembered = (url) => REMEMBERED.some((pattern) => pattern.test(url.pathname));

// A kept file's URL carries a hash of its bytes before the extension (planner/static_files.py).
// A page kept from before a file changed names the older version: the one kept now, found
// by the file's plain name, stands in for it.
const plainName = (path) => path.replace(/\.[0-9a-f]{8}(\.[^./]+)$/, "$1");
const KEPT = new Map(ASSETS.map((path) => [plainName(path), path]));

async function offlinePage() {
  return (await caches.match(OFFLINE_URL)) || new Response("You're offline.", {status: 503});
}

// Offline, the page last seen, marked so pwa.js shows it as a read-only copy.
async function lastSeen(request) {
  const saved = await (await caches.open(PAGES_CACHE)).match(request, {ignoreVary: true});
  if (!saved) return offlinePage();
  const html = (await saved.text()).replace(
    /<body(\s|>)/, `<body data-offline-copy="${saved.headers.get("x-planner-saved") || ""}"$1`,
  );
  return new Response(html, {headers: {"Content-Type": "text/html; charset=utf-8"}});
}

async function networkFirst(request) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return lastSeen(request);
  }
  const pages = await caches.open(PAGES_CACHE);
  const type = response.headers.get("Content-Type") || "";
  if (response.ok && !response.redirected && type.startsWith("text/html")) {
    const headers = new Headers(response.headers);
    headers.set("x-planner-saved", new Date().toISOString());
    const copy = new Response(await response.clone().arrayBuffer(), {status: 200, headers});
    await pages.put(request.url, copy);
  } else if (response.redirected && new URL(response.url).pathname === SIGN_IN) {
    await caches.delete(PAGES_CACHE);  // signed out: nobody's pages stay on this device
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (remembered(url)) {
      event.respondWith(networkFirst(request));
    } else {
      event.respondWith(fetch(request).catch(offlinePage));
    }
    return;
  }
  const kept = KEPT.get(plainName(url.pathname));
  if (kept) {
    event.respondWith(caches.match(kept).then((hit) => hit || fetch(request)));
  }
});

// Only a path in this app: a notification never opens another site.
const localPath = (url) => (typeof url === "string" && /^\/(?![\/\\])/.test(url) ? url : "/home");

// A phone notification: {"title", "body", "url", "tag"} from the outbox (planner/reminders/pushes.py).
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {body: event.data ? event.data.text() : ""};
  }
  const title = data.title || "Planner";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    tag: data.tag || undefined,
    icon: {{ icon|tojson }},
    badge: {{ icon|tojson }},
    data: {url: localPath(data.url)},
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data && event.notification.data.url || "/home", self.location.origin);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({type: "window", includeUncontrolled: true});
    for (const client of windows) {
      if (new URL(client.url).origin === target.origin && "focus" in client) {
        await client.focus();
        if ("navigate" in client) return client.navigate(target.href);
        return undefined;
      }
    }
    return self.clients.openWindow(target.href);
  })());
});
