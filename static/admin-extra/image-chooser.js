// The image field of a form (images.widgets.ImageChooserWidget): shows the
// chosen library image as a thumbnail and keeps it current when an image is
// chosen in the library pop-up, uploaded in place, typed in or removed.
// Loaded as a file: the admin allows no inline script.
"use strict";

function setUpImageChooser(box) {
  const input = box.querySelector("input");
  const thumbnail = box.querySelector(".image-chooser__thumbnail");
  const label = box.querySelector(".image-chooser__label");
  const clear = box.querySelector(".image-chooser__clear");
  let shown = input.value;

  const showEmpty = () => {
    thumbnail.replaceChildren();
    label.textContent = "No image chosen.";
    box.classList.add("image-chooser--empty");
    clear.hidden = true;
  };

  const show = async () => {
    const value = input.value.trim();
    if (value === shown) return;
    shown = value;
    if (!/^\d+$/.test(value)) {
      showEmpty();
      return;
    }
    const url = box.dataset.summaryUrl.replace("/0/", `/${value}/`);
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) {
        showEmpty();
        label.textContent = `There is no image number ${value} in the library.`;
        return;
      }
      const image = await response.json();
      if (input.value.trim() !== value) return;
      const img = document.createElement("img");
      img.src = image.thumbnail;
      img.width = img.height = 120;
      img.alt = "";
      img.className = "image-thumbnail";
      thumbnail.replaceChildren(img);
      const link = document.createElement("a");
      link.href = image.change_url;
      link.textContent = image.label;
      label.replaceChildren(link);
      if (image.credit) {
        const credit = document.createElement("span");
        credit.className = "image-chooser__credit";
        credit.textContent = image.credit;
        label.append(" ", credit);
      }
      box.classList.remove("image-chooser--empty");
      clear.hidden = false;
    } catch {
      // The preview is a courtesy; the number in the field is what is saved.
    }
  };

  // The admin's pop-ups set the value and trigger jQuery's "change" event.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(input).on("change", show);
  }
  input.addEventListener("change", show);
  input.addEventListener("input", show);
  clear.addEventListener("click", () => {
    input.value = "";
    show();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-image-chooser]").forEach(setUpImageChooser);
});
