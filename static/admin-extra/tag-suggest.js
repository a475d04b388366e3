// Suggest existing tags for the last entry of a comma-separated tag input.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-suggest-url]")) {
    const list = document.getElementById(`${input.id}-suggestions`);
    if (!list) continue;
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    let pending;
    input.addEventListener("input", () => {
      clearTimeout(pending);
      pending = setTimeout(async () => {
        const parts = input.value.split(",");
        const term = parts.pop().trim();
        const prefix = parts.length ? `${parts.join(",")}, ` : "";
        list.replaceChildren();
        if (!term) return;
        const url = new URL(input.dataset.suggestUrl, window.location.href);
        url.searchParams.set("q", term);
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) return;
        const { tags } = await response.json();
        for (const name of tags) {
          const option = document.createElement("option");
          // A datalist matches the whole value, so offer the completed list.
          option.value = prefix + name;
          list.append(option);
        }
      }, 150);
    });
  }
});
