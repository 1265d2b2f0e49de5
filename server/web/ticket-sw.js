// The ticket page's service worker, only to show its notifications: Android's Chrome shows a
// page's notifications only through one. It caches nothing and receives no pushes: the page
// itself follows the ticket and asks for each notification. A touch on one brings the ticket's
// page back (or opens it again).

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = event.notification.data?.url;
  event.waitUntil((async () => {
    const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const page = pages.find((p) => p.url === url);
    if (page) return page.focus();
    if (url) return self.clients.openWindow(url);
  })());
});
