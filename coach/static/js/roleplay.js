// Role-play call screen: send typed or spoken replies, show the debtor's answer, speak it
// sentence by sentence (the server's neural voice, else the browser's own), hints and meters.
// Without this script the reply form still works as a plain post.
(function () {
  "use strict";
  const root = document.getElementById("roleplay");
  if (!root) return;
  const form = document.getElementById("reply-form");
  const conversation = document.getElementById("conversation");
  const player = document.getElementById("debtor-audio");
  const voiceOn = document.getElementById("voice-on");
  const aidsOn = document.getElementById("aids-on");
  const aids = document.getElementById("aids");
  const aidsKey = "coach.roleplay.aids." + root.dataset.difficulty;
  const voiceKey = "coach.roleplay.voice";

  // Settings kept per browser: hints default on for easy scenarios only.
  const storedAids = localStorage.getItem(aidsKey);
  aidsOn.checked = storedAids === null ? root.dataset.difficulty === "easy" : storedAids === "1";
  voiceOn.checked = localStorage.getItem(voiceKey) !== "0";
  function showAids() { aids.hidden = !aidsOn.checked; }
  showAids();
  aidsOn.addEventListener("change", function () {
    localStorage.setItem(aidsKey, aidsOn.checked ? "1" : "0");
    showAids();
  });
  voiceOn.addEventListener("change", function () {
    localStorage.setItem(voiceKey, voiceOn.checked ? "1" : "0");
    if (!voiceOn.checked) stopSpeaking();
  });

  // --- the debtor's voice -------------------------------------------------------------
  let queue = [], speakingLine = null, fallbackText = "";
  function stopSpeaking() {
    queue = [];
    player.pause();
    player.removeAttribute("src");
    if (window.speechSynthesis) window.speechSynthesis.cancel();
    if (speakingLine) speakingLine.classList.remove("speaking");
    speakingLine = null;
  }
  function speakLine(line) {
    stopSpeaking();
    if (!voiceOn.checked) return;
    speakingLine = line;
    line.classList.add("speaking");
    queue = JSON.parse(line.dataset.audio || "[]");
    fallbackText = line.querySelector(".text").textContent;
    playNext();
  }
  function playNext() {
    const url = queue.shift();
    if (!url) { if (speakingLine) speakingLine.classList.remove("speaking"); return; }
    if (queue.length) fetch(queue[0]).catch(function () {}); // the next sentence is made meanwhile
    player.src = url;
    player.play().catch(function () { /* autoplay refused: the Play button still works */ });
  }
  player.addEventListener("ended", playNext);
  player.addEventListener("error", function () {
    // No server voice (or it failed): the browser's own voice reads the whole line.
    queue = [];
    if (window.speechSynthesis && voiceOn.checked && fallbackText) {
      window.speechSynthesis.speak(new SpeechSynthesisUtterance(fallbackText));
    }
    if (speakingLine) speakingLine.classList.remove("speaking");
  });
  conversation.addEventListener("click", function (event) {
    const button = event.target.closest(".play-line");
    if (button) speakLine(button.closest(".line"));
  });

  if (!form) return;
  const text = document.getElementById("reply-text");
  const errorBox = document.getElementById("reply-error");
  const heard = document.getElementById("heard");
  const send = document.getElementById("send-reply");
  const speak = document.getElementById("speak");
  const speakState = document.getElementById("speak-state");
  const ended = document.getElementById("call-ended");
  const turnInput = form.querySelector("input[name=turn]");

  function showError(message) {
    errorBox.textContent = message || "";
    errorBox.hidden = !message;
  }
  function element(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }
  function addTrainee(turn) {
    const li = element("li", "line line-trainee");
    turn.findings.forEach(function (f) { li.classList.add("has-" + f.status); });
    const who = element("span", "who", "You");
    if (turn.spoken) who.appendChild(element("span", "muted small", " (spoken, as heard)"));
    li.appendChild(who);
    li.appendChild(element("span", "text", turn.trainee));
    turn.findings.forEach(function (f) {
      const badge = element("span", "badge finding-" + f.status, f.status + ": " + f.rule_id);
      badge.title = f.explanation || "";
      li.appendChild(badge);
    });
    conversation.appendChild(li);
  }
  function addDebtor(turn) {
    const template = conversation.querySelector(".line-debtor");
    const li = element("li", "line line-debtor");
    li.dataset.turn = turn.turn;
    li.dataset.audio = JSON.stringify(turn.audio);
    li.appendChild(element("span", "who", template.querySelector(".who").textContent));
    li.appendChild(element("span", "text", turn.debtor));
    const play = element("button", "link small play-line", "Play");
    play.type = "button";
    play.setAttribute("aria-label", "Play this line");
    li.appendChild(play);
    conversation.appendChild(li);
    return li;
  }
  function showAidsOf(turn) {
    const hints = document.getElementById("hints");
    hints.replaceChildren.apply(hints, turn.hints.map(function (h) { return element("li", "", h); }));
    Object.keys(turn.meters).forEach(function (id) {
      const meter = document.querySelector('meter[data-meter="' + id + '"]');
      const value = document.querySelector('[data-meter-value="' + id + '"]');
      if (meter) meter.value = turn.meters[id];
      if (value) value.textContent = turn.meters[id];
    });
    const changes = document.getElementById("changes");
    changes.replaceChildren.apply(changes, turn.changes.map(function (c) {
      const delta = c.after - c.before;
      return element("li", "", c.meter + " " + (delta >= 0 ? "+" : "") + delta + ": " + c.reason);
    }));
  }
  function finish(turn) {
    form.hidden = true;
    ended.hidden = false;
    ended.replaceChildren(document.createTextNode(
      "The call has ended (" + turn.ending.kind.replace("_", " ") + "). "));
    const link = element("a", "", "Read the debrief");
    link.href = turn.debrief;
    link.id = "debrief-link";
    ended.appendChild(link);
  }

  async function post(data) {
    showError("");
    send.disabled = true;
    speak.disabled = true;
    data.set("turn", turnInput.value);
    try {
      const response = await fetch(form.action, {
        method: "POST", body: data, headers: { Accept: "application/json" },
      });
      let answer = {};
      try { answer = await response.json(); } catch (e) { answer = {}; }
      if (!response.ok) {
        showError(answer.error || "The reply could not be sent (error " + response.status + "). Try again.");
        return;
      }
      if (answer.spoken) { heard.textContent = "Coach heard: " + answer.trainee; heard.hidden = false; }
      else heard.hidden = true;
      addTrainee(answer);
      const line = addDebtor(answer);
      root.dataset.turn = answer.turn;
      turnInput.value = answer.turn;
      text.value = "";
      showAidsOf(answer);
      speakLine(line);
      if (answer.ending) finish(answer);
    } catch (error) {
      showError("The connection dropped before Coach answered. Your reply is still in the box: send it again.");
    } finally {
      send.disabled = false;
      speak.disabled = false;
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const data = new FormData(form);
    data.delete("audio");
    if (!text.value.trim()) { showError("Say something to the debtor first: the reply is empty."); return; }
    post(data);
  });
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  // --- spoken replies -----------------------------------------------------------------
  if (!(window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) return;
  speak.hidden = false;
  let recorder = null, chunks = [], stream = null;
  function micError(err) {
    const name = err && err.name;
    if (name === "NotAllowedError" || name === "SecurityError")
      return "Microphone access was refused. Allow the microphone for this site, or type your reply.";
    if (name === "NotFoundError" || name === "OverconstrainedError")
      return "No microphone was found. Connect one, or type your reply.";
    return "The microphone could not be started (" + (name || "unknown error") + "). Type your reply instead.";
  }
  speak.addEventListener("click", async function () {
    if (recorder && recorder.state === "recording") { recorder.stop(); return; }
    showError("");
    stopSpeaking();
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      showError(micError(err));
      return;
    }
    chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.addEventListener("dataavailable", function (e) { if (e.data.size) chunks.push(e.data); });
    recorder.addEventListener("stop", function () {
      stream.getTracks().forEach(function (t) { t.stop(); });
      form.classList.remove("recording");
      speak.textContent = "Speak";
      speakState.textContent = "Listening to what you said…";
      const data = new FormData(form);
      data.delete("text");
      data.set("audio", new Blob(chunks, { type: recorder.mimeType }), "reply.webm");
      post(data).finally(function () { speakState.textContent = ""; });
    });
    recorder.start();
    form.classList.add("recording");
    speak.textContent = "Stop and send";
    speakState.textContent = "Recording… press again when you have finished.";
  });
})();
