// Call page: job progress polling, click-to-seek, current-line highlight, transcript editing.
(function () {
  "use strict";
  const root = document.getElementById("call");
  if (!root) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  if (root.dataset.status === "transcribing") {
    const bar = document.getElementById("progress-bar");
    const text = document.getElementById("progress-text");
    const poll = async () => {
      try {
        const response = await fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" } });
        const state = await response.json();
        bar.value = state.progress || 0;
        if (state.waiting) text.textContent = state.waiting;
        else if (state.job_status === "queued") text.textContent = "Queued — waiting for a worker.";
        else if (state.job_status === "running") text.textContent = "Transcribing: " + Math.round((state.progress || 0) * 100) + "%";
        if (state.call_status !== "transcribing") { window.location.reload(); return; }
      } catch (err) {
        text.textContent = "Lost contact with the server; retrying…";
      }
      setTimeout(poll, 1000);
    };
    setTimeout(poll, 500);
  }

  if (document.getElementById("scoring-pending")) {
    const pollScore = async () => {
      try {
        const response = await fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" } });
        const state = await response.json();
        if (state.scoring_status === "done" || state.scoring_status === "failed") { window.location.reload(); return; }
      } catch (err) { /* try again below */ }
      setTimeout(pollScore, 1500);
    };
    setTimeout(pollScore, 1000);
  }

  const player = document.getElementById("player");
  document.querySelectorAll("a.seek").forEach((link) => link.addEventListener("click", () => {
    const turn = document.getElementById("turn-" + link.dataset.turn);
    if (turn && turn.dataset.start !== "") player.currentTime = Number(turn.dataset.start);
  }));
  const list = document.getElementById("transcript");
  if (!list) return;
  const turns = Array.from(list.querySelectorAll(".turn"));
  let editing = false;

  list.addEventListener("click", (event) => {
    const turn = event.target.closest(".turn");
    if (!turn) return;
    if (editing) {
      if (event.target.classList.contains("speaker")) {
        const next = turn.dataset.speaker === "agent" ? "debtor" : "agent";
        turn.dataset.speaker = next;
        turn.classList.toggle("turn-agent", next === "agent");
        turn.classList.toggle("turn-debtor", next === "debtor");
        event.target.textContent = next === "agent" ? "Agent" : "Debtor";
        turn.dataset.changed = "1";
      }
      return;
    }
    if (turn.dataset.start !== "") {
      player.currentTime = Number(turn.dataset.start);
      player.play().catch(() => {});
    }
  });

  player.addEventListener("timeupdate", () => {
    const now = player.currentTime;
    for (const turn of turns) {
      const start = Number(turn.dataset.start), end = Number(turn.dataset.end);
      turn.classList.toggle("current", turn.dataset.start !== "" && now >= start && now < end);
    }
  });

  const toggle = document.getElementById("edit-toggle");
  const save = document.getElementById("edit-save");
  const cancel = document.getElementById("edit-cancel");
  const errorBox = document.getElementById("edit-error");

  function setEditing(on) {
    editing = on;
    list.classList.toggle("editing", on);
    turns.forEach((t) => { t.querySelector(".text").contentEditable = on ? "true" : "false"; });
    toggle.hidden = on; save.hidden = !on; cancel.hidden = !on;
  }
  toggle.addEventListener("click", () => setEditing(true));
  cancel.addEventListener("click", () => window.location.reload());
  save.addEventListener("click", async () => {
    const edits = turns.map((t) => ({
      index: Number(t.dataset.index), speaker: t.dataset.speaker, text: t.querySelector(".text").textContent,
    }));
    save.disabled = true;
    try {
      const response = await fetch(root.dataset.editUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
        body: JSON.stringify({ edits }),
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) { window.location.reload(); return; }
      errorBox.textContent = body.error || "Saving failed (" + response.status + ").";
      errorBox.hidden = false;
    } catch (err) {
      errorBox.textContent = "Saving failed: the server could not be reached. Your edits are still here.";
      errorBox.hidden = false;
    }
    save.disabled = false;
  });
})();
