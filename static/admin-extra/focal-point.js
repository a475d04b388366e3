// The focal point of a library image: click the picture (or use the arrow keys
// on it) to set the point every crop keeps in view; the crops beside it show
// the result at once. Before a new file is uploaded the picture is read from
// the chosen file in the browser. Loaded as a file: no inline script.
"use strict";

const STEP = 0.02;

function clamp(value) {
  return Math.min(1, Math.max(0, value));
}

function setUpFocalPoint(box) {
  const form = box.closest("form");
  const inputX = form.querySelector("#id_focal_x");
  const inputY = form.querySelector("#id_focal_y");
  const fileInput = form.querySelector("#id_file");
  const stage = box.querySelector(".focal-point__stage");
  const image = box.querySelector(".focal-point__image");
  const marker = box.querySelector(".focal-point__marker");
  const crops = [...box.querySelectorAll(".focal-point__crop")];

  const point = () => [clamp(Number(inputX.value) || 0), clamp(Number(inputY.value) || 0)];

  const update = () => {
    const [x, y] = point();
    marker.style.left = `${x * 100}%`;
    marker.style.top = `${y * 100}%`;
    stage.setAttribute(
      "aria-label",
      `Focal point at ${Math.round(x * 100)}% across and ${Math.round(y * 100)}% down. ` +
        "Click the part of the picture every crop must keep, or move the point with the arrow keys."
    );
    const width = image.naturalWidth;
    const height = image.naturalHeight;
    if (!width || !height) return;
    for (const crop of crops) {
      const [ratioW, ratioH] = crop.dataset.ratio.split("/").map(Number);
      const frame = crop.querySelector(".focal-point__frame");
      const preview = crop.querySelector("img");
      frame.style.aspectRatio = `${ratioW} / ${ratioH}`;
      if (preview.src !== image.src) preview.src = image.src;
      // The same box as images/renditions.py crop_box(), as CSS object-position.
      let cropW = width;
      let cropH = height;
      if (width * ratioH > height * ratioW) cropW = (height * ratioW) / ratioH;
      else cropH = (width * ratioH) / ratioW;
      const left = Math.min(Math.max(x * width - cropW / 2, 0), width - cropW);
      const top = Math.min(Math.max(y * height - cropH / 2, 0), height - cropH);
      const posX = width > cropW ? (100 * left) / (width - cropW) : 50;
      const posY = height > cropH ? (100 * top) / (height - cropH) : 50;
      preview.style.objectPosition = `${posX}% ${posY}%`;
    }
  };

  const set = (x, y) => {
    inputX.value = clamp(x).toFixed(3);
    inputY.value = clamp(y).toFixed(3);
    update();
  };

  image.addEventListener("click", (event) => {
    const rect = image.getBoundingClientRect();
    set((event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
  });
  stage.addEventListener("keydown", (event) => {
    const moves = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const [x, y] = point();
    set(x + move[0], y + move[1]);
  });
  image.addEventListener("load", update);
  inputX.addEventListener("input", update);
  inputY.addEventListener("input", update);

  if (fileInput) {
    fileInput.addEventListener("change", () => {
      const file = fileInput.files && fileInput.files[0];
      if (!file || !file.type.startsWith("image/")) return;
      const reader = new FileReader();
      reader.addEventListener("load", () => {
        image.src = reader.result;
        box.removeAttribute("data-empty");
        set(0.5, 0.5);
      });
      reader.readAsDataURL(file);
    });
  }
  update();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-focal-point]").forEach(setUpFocalPoint);
});
