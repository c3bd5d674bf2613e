// The browser side of a seat's page and of the dashboard: one websocket; the server sends
// HTML fragments (page, status) and errors; forms are sent back as plain fields. Every check
// is the server's: this script only collects what the form holds.
"use strict";

(function () {
  const body = document.body;
  const main = document.getElementById("main");
  const status = document.getElementById("status");
  const link = document.getElementById("link");
  const admin = body.dataset.admin === "1";
  let socket = null;
  let tries = 0;
  const MAX_TRIES = 300; // about 25 minutes of retrying, then the page asks for a reload

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + body.dataset.socket);
    socket.onopen = function () { tries = 0; setLink("connected", "ok"); setOffline(false); };
    socket.onmessage = function (event) { receive(JSON.parse(event.data)); };
    socket.onclose = function (event) {
      if (event.code === 4401 || event.code === 4403) { location.href = "/"; return; }
      setOffline(true);
      if (++tries > MAX_TRIES) { setLink("connection lost: reload the page", "lost"); return; }
      setLink("reconnecting…", "lost");
      setTimeout(connect, Math.min(5000, 500 * tries));
    };
  }

  function setLink(text, state) { link.textContent = text; link.dataset.state = state; }

  // While the server is out of reach nothing can be played: the form is disabled (a move would
  // be lost), a banner says why, and the timer stops counting (the server's clock is what counts;
  // the page gets the true time back when it reconnects).
  let offline = false;
  function setOffline(on) {
    offline = on;
    body.classList.toggle("offline", on);
    let banner = document.getElementById("offline");
    if (on && !banner) {
      banner = document.createElement("p");
      banner.id = "offline";
      banner.className = "offline-banner";
      banner.setAttribute("role", "status");
      banner.textContent = "The connection to the game was lost: reconnecting… Your moves can be made again once it is back.";
      body.insertBefore(banner, main);
    } else if (!on && banner) {
      banner.remove();
    }
    disableForms(on);
  }
  function disableForms(on) {
    main.querySelectorAll("form.move input, form.move select, form.move button, button[data-action]")
      .forEach(function (el) { el.disabled = on; });
  }

  function receive(message) {
    if (message.type === "page") { main.innerHTML = message.html; wire(); disableForms(offline); }
    else if (message.type === "status" && status) { status.innerHTML = message.html; }
    else if (message.type === "error") { showError(message.field, message.reason); }
    tickTimers();
  }

  function showError(field, reason) {
    const spots = main.querySelectorAll("[data-error-for]");
    let spot = null;
    spots.forEach(function (s) { if (s.dataset.errorFor === field) { spot = s; } });
    if (!spot) { spot = main.querySelector('[data-error-for=""]'); }
    if (spot) { spot.textContent = reason; spot.classList.add("shown"); }
  }

  function clearErrors() {
    main.querySelectorAll("[data-error-for]").forEach(function (s) {
      s.textContent = ""; s.classList.remove("shown");
    });
  }

  function fields(form) {
    const out = {};
    Array.from(form.elements).forEach(function (el) {
      if (!el.name) { return; }
      if (el.type === "checkbox") {
        if (!out[el.name]) { out[el.name] = []; }
        if (el.checked) { out[el.name].push(el.value); }
      } else if (el.type === "radio") {
        if (el.checked) { out[el.name] = el.value; }
      } else {
        out[el.name] = el.value;
      }
    });
    return out;
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(message)); }
    else { showError("", "not connected: wait a moment and try again"); }
  }

  function wire() {
    const panel = main.querySelector(".move-panel");
    main.querySelectorAll("form.move").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        clearErrors();
        send({type: "move", seat: form.dataset.seat, turn: Number(panel.dataset.turn),
              step: Number(panel.dataset.step), fields: fields(form)});
      });
    });
    main.querySelectorAll("button[data-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) { return; }
        clearErrors();
        const message = {type: "control", action: button.dataset.action};
        if (button.dataset.player) { message.player = button.dataset.player; }
        if (button.dataset.action === "timer") {
          message.seconds = Math.round(Number(document.getElementById("timer").value) || 0);
        }
        send(message);
      });
    });
  }

  function tickTimers() {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      if (offline) { el.textContent = "timer stopped (offline)"; return; }
      const left = Math.max(0, Math.round((Number(el.dataset.deadline) - Date.now()) / 1000));
      el.textContent = left > 0 ? Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0") + " left"
        : "time is up: the suggestions are played";
    });
  }

  wire();
  tickTimers();
  setInterval(tickTimers, 1000);
  connect();
  if (admin) { body.classList.add("admin"); }
})();
