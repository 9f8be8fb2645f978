/* StationThis: small progressive enhancements; every page also works without them. */
"use strict";
document.documentElement.classList.add("js");

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

async function send(url, options = {}) {
  const response = await fetch(url, {
    credentials: "same-origin", ...options,
    headers: { "X-CSRF-Token": csrf(), Accept: "application/json", ...(options.headers || {}) },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error((body.error && body.error.message) || `The server answered ${response.status}.`);
    error.field = body.error && body.error.field;
    throw error;
  }
  return body;
}

function confirmations() {
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
    if (event.target.closest("[data-back]") && history.length > 1) { event.preventDefault(); history.back(); }
  });
}

/* Phones: the sections behind a Menu button (without JavaScript they are all shown, wrapped). */
function menu() {
  const box = document.querySelector("[data-menu-box]");
  const button = document.querySelector("[data-menu-button]");
  if (!box || !button) return;
  button.addEventListener("click", () => button.setAttribute("aria-expanded", String(box.classList.toggle("open"))));
}

/* Make and training: the price of the form as it stands, asked again as it changes. */
function liveQuote(form) {
  const box = form.querySelector("[data-quote]");
  const skip = new Set(["csrf_token", "request_key", "action"]);
  let timer = null;
  const update = async () => {
    const params = {};
    for (const [name, value] of new FormData(form)) {
      if (!skip.has(name) && typeof value === "string" && value !== "") params[name] = value;
    }
    try {
      const quote = await send(form.dataset.quoteUrl, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ params }),
      });
      box.classList.toggle("bad", !quote.affordable);
      box.textContent = `Costs ${quote.price} points · your balance ${quote.balance}` +
        (quote.affordable ? "" : " — not enough points");
    } catch (error) {
      box.classList.add("bad");
      box.textContent = error.message;
    }
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(update, 300); };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("image-uploaded", update);
}

/* Gallery: a running job's tile asks for itself again until the job has ended. */
function liveTile(tile) {
  const refresh = async () => {
    const answer = await fetch(tile.dataset.liveTile, { credentials: "same-origin" }).catch(() => null);
    if (answer && answer.status >= 400 && answer.status < 500) return;  // signed out, or the job is gone
    if (answer && answer.ok) {
      const holder = document.createElement("div");
      holder.innerHTML = (await answer.text()).trim();
      if (holder.firstElementChild) {
        const fresh = holder.firstElementChild;
        tile.replaceWith(fresh);
        tile = fresh;
      }
    }
    if (tile.dataset.liveTile) setTimeout(refresh, 1500);
  };
  setTimeout(refresh, 1500);
}

/* Make: a picture is uploaded as soon as it is chosen or dropped; its key fills the parameter. */
function imageField(zone, form) {
  const input = zone.querySelector("input[type=file]");
  const key = zone.parentElement.querySelector("[data-image-key]");
  const preview = zone.querySelector(".preview");
  const status = zone.querySelector(".upload-status");
  const upload = async (file) => {
    status.textContent = "Uploading…";
    const data = new FormData();
    data.append("image", file);
    try {
      const stored = await send(form.dataset.uploadUrl, { method: "POST", body: data });
      key.value = stored.key;
      preview.src = stored.url;
      preview.hidden = false;
      status.textContent = "";
      input.value = "";
      form.dispatchEvent(new Event("image-uploaded"));
    } catch (error) {
      status.textContent = error.message;
    }
  };
  input.addEventListener("change", () => input.files[0] && upload(input.files[0]));
  dropTarget(zone, (files) => upload(files[0]));
}

function dropTarget(zone, onFiles) {
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    if (event.dataTransfer.files.length) onFiles([...event.dataTransfer.files]);
  });
}

/* Training: many pictures, one request each, with a line per file saying how it went. */
function datasetUpload(form) {
  const input = form.querySelector("input[type=file]");
  const list = form.querySelector(".upload-list");
  const uploadAll = async (files) => {
    let added = 0;
    for (const file of files) {
      const line = document.createElement("li");
      line.textContent = `${file.name}: uploading…`;
      list.appendChild(line);
      const data = new FormData();
      data.append("images", file);
      try {
        await send(form.dataset.datasetUpload, { method: "POST", body: data });
        line.textContent = `${file.name}: added`;
        line.className = "done";
        added += 1;
      } catch (error) {
        line.textContent = error.message.startsWith("images:") ? error.message.slice(8) : `${file.name}: ${error.message}`;
        line.className = "error";
      }
    }
    input.value = "";
    if (added === files.length) window.location.reload();
    else if (added) list.insertAdjacentHTML("beforeend", '<li><a href="">Reload to see the pictures that were added</a></li>');
  };
  input.addEventListener("change", () => input.files.length && uploadAll([...input.files]));
  dropTarget(form, uploadAll);
}

/* Jobs: follow progress live until the job ends, then show the result. */
function followJob(box) {
  const bar = box.querySelector("progress");
  const badge = box.querySelector("[data-state]");
  const detail = box.querySelector("[data-detail]");
  const panel = box.querySelector(".progress");
  const picture = box.querySelector("[data-preview]");
  if (!panel || panel.dataset.terminal === "true" || !window.EventSource) return;
  const source = new EventSource(`/api/v1/jobs/${box.dataset.followJob}/events`);
  source.addEventListener("job", (event) => {
    const job = JSON.parse(event.data);
    bar.value = job.progress.percent;
    badge.textContent = job.state;
    badge.className = `badge ${job.state}`;
    detail.textContent = job.progress.words;
    if (picture && job.preview && picture.getAttribute("src") !== job.preview) {
      picture.src = job.preview;  /* the newest picture, in place */
      picture.hidden = false;
    }
    if (job.terminal) { source.close(); setTimeout(() => window.location.reload(), 250); }
  });
}

/* Text results: Copy puts the words on the clipboard (they can also be selected by hand). */
function copyButtons() {
  document.querySelectorAll("[data-copy]").forEach((button) => {
    const source = button.parentElement.querySelector("[data-copy-source]");
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent);
        button.textContent = "Copied";
      } catch (error) {
        window.getSelection().selectAllChildren(source);
        button.textContent = "Selected: press Ctrl+C";
      }
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  menu();
  confirmations();
  copyButtons();
  document.querySelectorAll("form[data-quote-url]").forEach((form) => {
    form.querySelectorAll("[data-upload-image]").forEach((zone) => imageField(zone, form));
    liveQuote(form);
  });
  document.querySelectorAll("form[data-dataset-upload]").forEach(datasetUpload);
  document.querySelectorAll("[data-follow-job]").forEach(followJob);
  document.querySelectorAll("[data-live-tile]").forEach(liveTile);
});
