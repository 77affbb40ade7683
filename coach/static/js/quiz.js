// Certification attempt: save each answer the moment it is given, count the server's clock
// down, and submit the attempt when it runs out. Without this script the page's own buttons
// save and submit the same fields, and the server submits a timed-out attempt itself.
(function () {
  "use strict";
  const form = document.getElementById("attempt-form");
  if (!form) return;
  const version = form.querySelector('input[name="version"]');
  const csrf = form.querySelector('input[name="csrf_token"]').value;
  const saveUrl = form.dataset.saveUrl.replace(/\/0$/, "/");
  const timer = document.getElementById("timer");
  const announce = document.getElementById("timer-announce");
  let submitting = false;

  // --- saving ------------------------------------------------------------------------
  function fieldsOf(fieldset) {
    const data = new FormData();
    data.append("csrf_token", csrf);
    fieldset.querySelectorAll("input, select").forEach(function (field) {
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) return;
      if (field.tagName === "SELECT" && !field.value) return;
      data.append(field.name, field.value);
    });
    return data;
  }
  function orderComplete(fieldset) {
    const values = Array.from(fieldset.querySelectorAll("select")).map(function (s) { return s.value; });
    return values.every(Boolean) && new Set(values).size === values.length;
  }
  function show(fieldset, text, failed) {
    const state = fieldset.querySelector(".save-state");
    state.textContent = text;
    state.classList.toggle("error", !!failed);
  }
  // One save in flight per question: arrowing through radio buttons changes the answer
  // several times a second, and requests sent side by side may arrive in any order, the
  // last to arrive winning on the server. A change made while a save is in flight is sent
  // when it returns, so the answer on the server is always the last one given.
  function save(fieldset) {
    if (submitting) return;
    if (fieldset.dataset.pick === "order" && !orderComplete(fieldset)) {
      show(fieldset, "Give every step a different position to save this answer.", true);
      return;
    }
    if (fieldset.dataset.saving) {
      fieldset.dataset.pending = "yes";
      show(fieldset, "Saving…", false);
      return;
    }
    const data = fieldsOf(fieldset);
    if (Array.from(data.keys()).length === 1) { show(fieldset, "", false); return; }
    send(fieldset, data);
  }
  function send(fieldset, data) {
    fieldset.dataset.saving = "yes";
    show(fieldset, "Saving…", false);
    fetch(saveUrl + fieldset.dataset.number, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, status: response.status, body: body }; });
    }).then(function (reply) {
      if (reply.ok) {
        version.value = reply.body.version;
        if (!fieldset.dataset.pending) show(fieldset, "Saved.", false);
      } else {
        show(fieldset, reply.body.error || "Not saved.", true);
        if (reply.status === 409) setTimeout(function () { window.location.reload(); }, 2500);
      }
    }).catch(function () {
      show(fieldset, "Not saved: the connection dropped. Your answer is still on the page; it is sent again when you submit.", true);
    }).finally(function () {
      delete fieldset.dataset.saving;
      if (fieldset.dataset.pending) {
        delete fieldset.dataset.pending;
        save(fieldset);
      }
    });
  }
  form.querySelectorAll("fieldset.question").forEach(function (fieldset) {
    fieldset.addEventListener("change", function () { save(fieldset); });
  });
  form.addEventListener("submit", function () { submitting = true; });

  // --- the clock -----------------------------------------------------------------------
  // Counted from the seconds the server said were left, not from this computer's clock.
  const total = parseInt(timer.dataset.remaining, 10);
  const began = performance.now();
  const warned = new Set();
  function tick() {
    const left = Math.max(0, total - Math.floor((performance.now() - began) / 1000));
    timer.textContent = Math.floor(left / 60) + " min " + String(left % 60).padStart(2, "0") + " s";
    timer.classList.toggle("low", left <= 60);
    [300, 60].forEach(function (mark) {
      if (left <= mark && left > 0 && !warned.has(mark)) {
        warned.add(mark);
        announce.textContent = (mark / 60) + (mark === 60 ? " minute" : " minutes") + " left.";
      }
    });
    if (left === 0 && !submitting) {
      submitting = true;
      announce.textContent = "Time is up: submitting your answers.";
      form.requestSubmit(document.getElementById("submit-attempt"));
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
