// New practice call: record with MediaRecorder (level meter, timer, clear errors) or upload.
(function () {
  "use strict";
  const form = document.getElementById("call-form");
  if (!form) return;
  const recorderBox = document.getElementById("recorder");
  const unsupported = document.getElementById("recorder-unsupported");
  const startBtn = document.getElementById("record-start");
  const stopBtn = document.getElementById("record-stop");
  const stateText = document.getElementById("record-state");
  const timer = document.getElementById("timer");
  const meter = document.getElementById("meter-fill");
  const preview = document.getElementById("record-preview");
  const errorBox = document.getElementById("form-error");
  const fileInput = form.querySelector("input[type=file]");
  const maxSeconds = Number(form.dataset.maxMinutes || 60) * 60;

  let recorder = null, chunks = [], recorded = null, stream = null, audioCtx = null;
  let startedAt = 0, tick = null, raf = null;

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }
  function clock(seconds) {
    const s = Math.floor(seconds);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  function micError(err) {
    const name = err && err.name;
    if (name === "NotAllowedError" || name === "SecurityError")
      return "Microphone access was refused. Allow the microphone for this site in your browser settings, or upload a file instead.";
    if (name === "NotFoundError" || name === "OverconstrainedError")
      return "No microphone was found. Connect one and try again, or upload a file instead.";
    if (name === "NotReadableError")
      return "The microphone is in use by another program. Close it and try again.";
    return "The microphone could not be started (" + (name || "unknown error") + "). You can upload a file instead.";
  }

  if (window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    recorderBox.hidden = false;
    unsupported.hidden = true;
  }

  function stopTracks() {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    if (audioCtx) audioCtx.close();
    clearInterval(tick);
    cancelAnimationFrame(raf);
    meter.style.width = "0";
    stream = null; audioCtx = null;
  }

  function startMeter() {
    audioCtx = new AudioContext();
    const analyser = audioCtx.createAnalyser();
    analyser.fftSize = 512;
    audioCtx.createMediaStreamSource(stream).connect(analyser);
    const data = new Uint8Array(analyser.fftSize);
    const draw = () => {
      analyser.getByteTimeDomainData(data);
      let peak = 0;
      for (const v of data) peak = Math.max(peak, Math.abs(v - 128));
      meter.style.width = Math.min(100, (peak / 128) * 140) + "%";
      raf = requestAnimationFrame(draw);
    };
    draw();
  }

  startBtn.addEventListener("click", async () => {
    showError("");
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      showError(micError(err));
      stateText.textContent = "Not recording.";
      return;
    }
    chunks = []; recorded = null; preview.hidden = true;
    recorder = new MediaRecorder(stream);
    recorder.addEventListener("dataavailable", (e) => { if (e.data.size) chunks.push(e.data); });
    recorder.addEventListener("stop", () => {
      recorded = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
      preview.src = URL.createObjectURL(recorded);
      preview.hidden = false;
      stateText.textContent = "Recorded " + timer.textContent + ". Fill in the details and submit.";
      form.classList.remove("recording");
      stopTracks();
    });
    recorder.start(1000);
    startedAt = Date.now();
    form.classList.add("recording");
    stateText.textContent = "Recording…";
    startBtn.disabled = true; stopBtn.disabled = false;
    startMeter();
    tick = setInterval(() => {
      const elapsed = (Date.now() - startedAt) / 1000;
      timer.textContent = clock(elapsed);
      if (elapsed >= maxSeconds) stopBtn.click();
    }, 250);
  });

  stopBtn.addEventListener("click", () => {
    if (recorder && recorder.state !== "inactive") recorder.stop();
    startBtn.disabled = false; stopBtn.disabled = true;
  });

  form.addEventListener("submit", async (event) => {
    if (!recorded) return; // a plain file upload posts normally
    event.preventDefault();
    showError("");
    const data = new FormData(form);
    data.set("recording", recorded, "browser-recording.webm");
    data.set("source", "browser");
    const button = document.getElementById("submit-call");
    button.disabled = true;
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok && body.redirect) { window.location.assign(body.redirect); return; }
      showError(body.error || "The upload failed (" + response.status + "). Reload the page and try again.");
    } catch (err) {
      showError("The upload failed: the server could not be reached. Your recording is still here; try again.");
    }
    button.disabled = false;
  });

  if (fileInput) fileInput.addEventListener("change", () => { if (fileInput.files.length) recorded = null; });
})();
