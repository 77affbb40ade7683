// Call page: keeps itself current (job progress, a new transcript version, a new scorecard),
// click-to-seek, current-line highlight and transcript editing.
//
// While a job is pending it polls the status (backing off, paused while the tab is hidden).
// When the transcript version, the scorecard or the call's status changed, it fetches this
// page again and swaps in the regions marked data-live, and says so in the live region. The
// transcript is not swapped while it is being edited, so nothing typed is lost; the rest of
// the page (a review form, the player) is never touched.
(function () {
  "use strict";
  const root = document.getElementById("call");
  if (!root) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const announcer = document.getElementById("live-announcer");
  const FIRST_DELAY = 1000, MAX_DELAY = 15000;
  let delay = FIRST_DELAY, timer = null, editing = false, busy = false;
  // The newest transcript version fetched; ahead of the shown one while an edit holds it.
  let seenVersion = root.dataset.transcriptVersion;

  function announce(message) {
    announcer.textContent = "";
    // A fresh text node after a tick, so a repeated message is read again.
    setTimeout(() => { announcer.textContent = message; }, 50);
  }

  function shown() {
    return { version: root.dataset.transcriptVersion, score: root.dataset.scoreId, status: root.dataset.status };
  }
  function stale(state) {
    return String(state.transcript_version ?? "") !== seenVersion
      || String(state.score_id ?? "") !== root.dataset.scoreId || state.call_status !== root.dataset.status;
  }

  function schedule(now) {
    clearTimeout(timer);
    timer = null;
    if (document.hidden || root.dataset.pending !== "yes") return;
    timer = setTimeout(poll, now ? 0 : delay);
    delay = Math.min(MAX_DELAY, Math.round(delay * 1.5));
  }

  function showProgress(state) {
    const bar = document.getElementById("progress-bar");
    const text = document.getElementById("progress-text");
    if (!bar || !text) return;
    bar.value = state.progress || 0;
    if (state.waiting) text.textContent = state.waiting;
    else if (state.job_status === "queued") text.textContent = "Queued — waiting for a worker.";
    else if (state.job_status === "running") text.textContent = "Transcribing: " + Math.round((state.progress || 0) * 100) + "%";
  }

  async function poll() {
    timer = null;
    try {
      const response = await fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const state = await response.json();
      showProgress(state);
      root.dataset.pending = state.pending ? "yes" : "no";
      if (stale(state)) { delay = FIRST_DELAY; await refresh(false); }
    } catch (err) {
      const text = document.getElementById("progress-text");
      if (text) text.textContent = "Lost contact with the server; retrying…";
      root.dataset.pending = "yes";  // keep trying, backing off
    }
    schedule(false);
  }

  // Fetch this page again and swap every data-live region (but the transcript while editing).
  async function refresh(quiet) {
    if (busy) return;
    busy = true;
    try {
      const response = await fetch(root.dataset.pageUrl, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      const next = fresh.getElementById("call");
      if (!next) return;
      const before = shown(), seenBefore = seenVersion;
      let held = false;
      root.querySelectorAll("[data-live]").forEach((region) => {
        const replacement = fresh.getElementById(region.id);
        if (!replacement) return;
        if (editing && region.id === "transcript-region") { held = true; return; }
        region.replaceWith(replacement);
      });
      seenVersion = next.dataset.transcriptVersion;
      if (!held) root.dataset.transcriptVersion = seenVersion;
      root.dataset.scoreId = next.dataset.scoreId;
      root.dataset.status = next.dataset.status;
      root.dataset.pending = next.dataset.pending;
      bindTranscript();
      if (!quiet) announce(describe(before, shown(), held && seenVersion !== seenBefore));
    } finally {
      busy = false;
    }
  }

  function describe(before, after, heldNewVersion) {
    const parts = [];
    if (after.status === "failed" && before.status !== "failed") parts.push("Transcription failed.");
    if (heldNewVersion) {
      parts.push("A newer transcript version was saved; save or cancel your edits to see it.");
    } else if (after.version !== before.version && after.version) {
      parts.push("Transcript version " + after.version + " is ready.");
    }
    if (after.score !== before.score && after.score) parts.push("A new scorecard is ready.");
    else if (document.getElementById("scoring-pending")) parts.push("Scoring this version…");
    return parts.join(" ");
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) { clearTimeout(timer); timer = null; }
    else { delay = FIRST_DELAY; poll(); }  // once on return: catches what changed meanwhile
  });

  // "Score again" without leaving the page: queue it, then follow the job.
  root.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.action || !/\/rescore$/.test(new URL(form.action).pathname)) return;
    event.preventDefault();
    try {
      const response = await fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf },
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) { announce(body.error || body.message || "Scoring could not be queued (" + response.status + ")."); return; }
      announce("Scoring again…");
      root.dataset.pending = "yes";
      delay = FIRST_DELAY;
      schedule(true);
    } catch (err) {
      form.submit();  // the server could not be reached by fetch: a plain post shows why
    }
  });

  // --- player and transcript ----------------------------------------------------------------
  const player = document.getElementById("player");
  const transcript = () => document.getElementById("transcript");
  const turns = () => Array.from(root.querySelectorAll("#transcript .turn"));

  root.addEventListener("click", (event) => {
    const seek = event.target.closest("a.seek");
    if (seek) {
      const turn = document.getElementById("turn-" + seek.dataset.turn);
      if (player && turn && turn.dataset.start !== "") player.currentTime = Number(turn.dataset.start);
      return;
    }
    const turn = event.target.closest("#transcript .turn");
    if (!turn) return;
    if (editing) {
      if (event.target.classList.contains("speaker")) {
        const next = turn.dataset.speaker === "agent" ? "debtor" : "agent";
        turn.dataset.speaker = next;
        turn.classList.toggle("turn-agent", next === "agent");
        turn.classList.toggle("turn-debtor", next === "debtor");
        event.target.textContent = next === "agent" ? "Agent" : "Debtor";
      }
      return;
    }
    if (player && turn.dataset.start !== "") {
      player.currentTime = Number(turn.dataset.start);
      player.play().catch(() => {});
    }
  });

  if (player) player.addEventListener("timeupdate", () => {
    const now = player.currentTime;
    for (const turn of turns()) {
      const start = Number(turn.dataset.start), end = Number(turn.dataset.end);
      turn.classList.toggle("current", turn.dataset.start !== "" && now >= start && now < end);
    }
  });

  function setEditing(on) {
    editing = on;
    const list = transcript();
    if (list) list.classList.toggle("editing", on);
    turns().forEach((t) => { t.querySelector(".text").contentEditable = on ? "true" : "false"; });
    document.getElementById("edit-toggle").hidden = on;
    document.getElementById("edit-save").hidden = !on;
    document.getElementById("edit-cancel").hidden = !on;
  }

  // The edit tools live in the transcript region, which a refresh replaces: bind them anew.
  function bindTranscript() {
    const toggle = document.getElementById("edit-toggle");
    if (!toggle || toggle.dataset.bound) return;  // read-only viewers (compliance) get none
    toggle.dataset.bound = "1";
    const save = document.getElementById("edit-save");
    const errorBox = document.getElementById("edit-error");
    toggle.addEventListener("click", () => setEditing(true));
    document.getElementById("edit-cancel").addEventListener("click", async () => {
      setEditing(false);
      await refresh(true);  // the saved text back in place of the unsaved edits
    });
    save.addEventListener("click", async () => {
      const edits = turns().map((t) => ({
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
        if (response.ok) {
          setEditing(false);
          delay = FIRST_DELAY;
          await refresh(false);
          schedule(false);
          return;
        }
        errorBox.textContent = body.error || "Saving failed (" + response.status + ").";
        errorBox.hidden = false;
      } catch (err) {
        errorBox.textContent = "Saving failed: the server could not be reached. Your edits are still here.";
        errorBox.hidden = false;
      }
      save.disabled = false;
    });
  }

  bindTranscript();
  schedule(false);
})();
