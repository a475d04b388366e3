// Count one read of the article on this page. The page itself may come from a
// cache or CDN; this request reaches the server every time.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const article = document.querySelector("[data-view-beacon][data-article-id]");
  if (!article || document.visibilityState === "prerender") return;
  const body = new URLSearchParams({ article: article.dataset.articleId });
  const url = article.dataset.viewBeacon;
  if (navigator.sendBeacon && navigator.sendBeacon(url, body)) return;
  fetch(url, { method: "POST", body, keepalive: true, credentials: "omit" }).catch(() => {});
});
