// Block a picture: a worker makes the codes (hashes) of the picked files on this device, and the
// form sends only those codes. Without what this needs, the page keeps its "needs JavaScript" part.
const box = document.querySelector("[data-block-image]");
const needsJs = document.querySelector("[data-needs-js]");
const template = document.querySelector("template[data-messages]");
const PDQ_MIN_QUALITY = 50;

function text(key) {
  const node = template && template.content.querySelector('[data-key="' + key + '"]');
  return node ? node.textContent.trim() : "";
}

function supported() {
  return Boolean(box && window.Worker && window.crypto && window.crypto.subtle &&
    window.createImageBitmap && window.OffscreenCanvas && window.JSON);
}

function start() {
  let worker;
  try {
    worker = new Worker(box.getAttribute("data-worker-url"), { type: "module" });
  } catch (problem) {
    return;
  }
  const input = box.querySelector("[data-file-input]");
  const list = box.querySelector("[data-file-list]");
  const progress = box.querySelector("[data-progress]");
  const progressBox = box.querySelector("[data-progress-box]");
  const status = box.querySelector("[data-status]");
  const form = box.querySelector("[data-block-form]");
  const hashesField = form.querySelector("input[name=hashes]");
  const send = form.querySelector("[data-send]");
  const maxFiles = 20;
  const entries = [];
  let nextId = 1;
  let workerAnswered = false;

  function render(entry, message) {
    entry.item.className = entry.state === "ready" ? "is-ready" : (entry.state === "refused" ? "is-refused" : "");
    entry.stateNode.textContent = message;
  }

  function add(name, key) {
    const entry = { id: nextId++, name: name, key: key, state: "working", result: null };
    const item = document.createElement("li");
    const label = document.createElement("span");
    label.className = "file-name";
    label.textContent = name;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button-quiet";
    remove.textContent = text("remove") + " ";
    const hiddenName = document.createElement("span");
    hiddenName.className = "visually-hidden";
    hiddenName.textContent = name;
    remove.appendChild(hiddenName);
    remove.addEventListener("click", function () {
      entries.splice(entries.indexOf(entry), 1);
      item.remove();
      input.focus();
      update();
    });
    const state = document.createElement("p");
    state.className = "file-state";
    item.append(label, remove, state);
    entry.item = item;
    entry.stateNode = state;
    list.appendChild(item);
    entries.push(entry);
    render(entry, text("working"));
    return entry;
  }

  function ready() {
    return entries.filter(function (entry) { return entry.state === "ready"; });
  }

  function update() {
    const total = entries.length;
    const done = entries.filter(function (entry) { return entry.state !== "working"; }).length;
    progressBox.hidden = total === 0;
    progress.max = Math.max(total, 1);
    progress.value = done;
    hashesField.value = JSON.stringify(ready().map(function (entry) { return entry.result; }));
    send.disabled = done < total || ready().length === 0;
    if (total === 0) {
      status.textContent = "";
    } else if (done < total) {
      status.textContent = text("progress").replace("%(done)s", done).replace("%(total)s", total);
    } else {
      status.textContent = ready().length ? text("all_done") : text("none_ready");
    }
  }

  worker.addEventListener("message", function (event) {
    const answer = event.data;
    workerAnswered = true;
    const entry = entries.find(function (candidate) { return candidate.id === answer.id; });
    if (!entry) { return; } // removed while it was being hashed
    if (!answer.ok) {
      entry.state = "refused";
      render(entry, text(answer.reason) || text("broken"));
    } else {
      const result = { kind: answer.kind, md5: answer.md5, sha256: answer.sha256 };
      let message = text("ready");
      if (answer.kind === "image") {
        if (answer.quality >= PDQ_MIN_QUALITY) {
          result.pdq = answer.pdq;
          result.quality = answer.quality;
        } else {
          message = text("low_quality");
        }
      }
      entry.state = "ready";
      entry.result = result;
      render(entry, message);
    }
    update();
  });

  worker.addEventListener("error", function () {
    if (!workerAnswered) {
      // The worker never ran (an older browser): say so, and show the other ways to get help.
      box.hidden = true;
      needsJs.hidden = false;
    }
    entries.forEach(function (entry) {
      if (entry.state === "working") {
        entry.state = "refused";
        render(entry, text("failed"));
      }
    });
    update();
  });

  input.addEventListener("change", function () {
    Array.prototype.forEach.call(input.files, function (file) {
      const key = [file.name, file.size, file.lastModified].join("|");
      if (entries.some(function (entry) { return entry.key === key; })) {
        status.textContent = text("duplicate");
        return;
      }
      const entry = add(file.name, key);
      if (entries.length > maxFiles) {
        entry.state = "refused";
        render(entry, text("too_many"));
        return;
      }
      worker.postMessage({ id: entry.id, file: file });
    });
    // The list holds the files now: the input keeps none of them.
    input.value = "";
    update();
  });

  // Codes already made before the form came back with a question: no need to pick again.
  if (hashesField.value) {
    try {
      JSON.parse(hashesField.value).forEach(function (result, index) {
        const entry = add("#" + (index + 1), "kept-" + index);
        entry.state = "ready";
        entry.result = result;
        render(entry, text("ready"));
      });
      status.textContent = text("kept");
    } catch (problem) {
      hashesField.value = "";
    }
  }

  form.addEventListener("submit", function (event) {
    const working = entries.some(function (entry) { return entry.state === "working"; });
    if (working || ready().length === 0) {
      event.preventDefault();
      return;
    }
    input.value = "";
    hashesField.value = JSON.stringify(ready().map(function (entry) { return entry.result; }));
  });

  needsJs.hidden = true;
  box.hidden = false;
  update();
  if (hashesField.value && ready().length) { status.textContent = text("kept"); }
}

if (supported()) {
  start();
}
