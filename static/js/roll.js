/* The roll sheet of a public-service check, on a phone on site. Without this script the page is a
   plain form. With it: one tap marks a person, the counts follow, a search narrows the list, and
   Save sends only the rows changed, as JSON, under one client token. A submission that does not
   get through is kept on the phone (localStorage) and sent again under the SAME token, so a slow
   connection neither loses a roll nor records it twice. A row another team member changed first
   comes back as a conflict: the row shows their mark, and the member decides again. */
(function () {
  "use strict";
  var form = document.querySelector("form.roll-sheet");
  if (!form) return;
  var submitUrl = form.dataset.submitUrl, rollUrl = form.dataset.rollUrl, rollId = form.dataset.roll;
  var storeKey = "roll-pending-" + rollId;
  var status = form.querySelector(".roll-status");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var retryTimer = null;

  function newToken() {
    if (window.crypto && window.crypto.getRandomValues) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    }
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
      .toLowerCase();
  }
  function say(text, kind) {
    if (!status) return;
    status.textContent = text;
    status.className = "roll-status" + (kind ? " " + kind : "");
  }

  function rowValue(row) {
    var checked = row.querySelector("input[type=radio]:checked");
    var state = checked ? checked.value : "";
    var text = row.querySelector("input[type=text]");
    var extra = text ? text.value.trim() : "";
    if (row.dataset.person && state !== "excused") extra = "";
    return {state: state, extra: extra};
  }
  function paint(row) {
    var value = rowValue(row);
    row.className = row.className.replace(/\bstate-\S+/g, "").trim() + " state-" + (value.state || "none");
    var text = row.querySelector(".roll-reason");
    if (text) text.hidden = value.state !== "excused";
    row.classList.toggle("changed", (value.state + "|" + value.extra) !== row.dataset.was);
  }
  function count() {
    var counts = {present: 0, excused: 0, unexcused: 0, unmarked: 0, total: 0};
    form.querySelectorAll(".roll-row[data-person]").forEach(function (row) {
      var state = rowValue(row).state || "unmarked";
      counts[state] += 1;
      counts.total += 1;
    });
    Object.keys(counts).forEach(function (key) {
      var cell = form.querySelector("[data-count=" + key + "]");
      if (cell) cell.textContent = counts[key];
    });
    var changed = form.querySelectorAll(".roll-row.changed").length;
    if (changed && !retryTimer) say(changed + " " + form.dataset.msgPending, "pending");
    else if (!changed && !retryTimer && status && status.classList.contains("pending")) say("", "");
  }

  function changedRows() {
    var entries = [], checks = [];
    form.querySelectorAll(".roll-row.changed").forEach(function (row) {
      var value = rowValue(row);
      if (row.dataset.person) {
        entries.push({person: Number(row.dataset.person), state: value.state, reason: value.extra,
                      version: Number(row.dataset.version)});
      } else {
        checks.push({item: Number(row.dataset.item), outcome: value.state, note: value.extra,
                     version: Number(row.dataset.version)});
      }
    });
    return {entries: entries, checks: checks};
  }

  function applyServer(data) {
    /* The roll as the server holds it now: versions, and the marks of rows not being edited here. */
    (data.rolls || []).forEach(function (roll) {
      if (String(roll.id) !== rollId) return;
      roll.entries.forEach(function (entry) { refreshRow(form.querySelector('.roll-row[data-person="' + entry.person.id + '"]'), entry.state, entry.reason, entry.version); });
      roll.checks.forEach(function (check) { refreshRow(form.querySelector('.roll-row[data-item="' + check.item.id + '"]'), check.outcome, check.note, check.version); });
      var summary = document.querySelector("[data-testid=roll-summary]");
      if (summary) summary.textContent = roll.summary.text;
    });
    count();
  }
  function refreshRow(row, state, extra, version) {
    if (!row) return;
    var keep = row.classList.contains("changed") && !row.classList.contains("conflict");
    row.dataset.version = version;
    row.dataset.was = state + "|" + (extra || "");
    row.querySelector("input[name^=was]").value = row.dataset.was;
    row.querySelector("input[name^=version]").value = version;
    if (!keep) {
      row.querySelectorAll("input[type=radio]").forEach(function (radio) { radio.checked = radio.value === state; });
      var text = row.querySelector("input[type=text]");
      if (text) text.value = extra || "";
    }
    paint(row);
  }
  function reload() {
    return fetch(rollUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; }).then(function (data) { if (data) applyServer(data); });
  }

  function send(pending) {
    say(form.dataset.msgSending, "sending");
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 20000) : null;
    return fetch(submitUrl, {
      method: "POST", credentials: "same-origin", signal: controller ? controller.signal : undefined,
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(pending)
    }).then(function (response) {
      if (timer) clearTimeout(timer);
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status >= 500) throw new Error("server");
        localStorage.removeItem(storeKey);
        retryTimer = null;
        form.querySelector("input[name=client_token]").value = newToken();
        if (response.ok) {
          say(body.message || "", body.replayed ? "info" : "ok");
          form.querySelectorAll(".roll-row.conflict").forEach(function (row) { row.classList.remove("conflict"); });
          form.querySelectorAll(".roll-row.changed").forEach(function (row) { row.classList.remove("changed"); });
          return reload();
        }
        if (response.status === 409 && body.rows) {
          say(body.detail, "bad");
          body.rows.forEach(function (r) {
            var row = r.person ? form.querySelector('.roll-row[data-person="' + r.person + '"]')
                               : form.querySelector('.roll-row[data-item="' + r.item + '"]');
            if (row) { row.classList.add("conflict"); row.classList.remove("changed"); }
          });
          return reload().then(function () {
            form.querySelectorAll(".roll-row.conflict").forEach(function (row) {
              refreshRow(row, row.dataset.was.split("|")[0], row.dataset.was.split("|").slice(1).join("|"), row.dataset.version);
            });
          });
        }
        var messages = [];
        if (body.detail) messages.push(body.detail);
        Object.keys(body).forEach(function (key) { if (Array.isArray(body[key])) messages = messages.concat(body[key]); });
        say(messages.join(" ") || String(response.status), "bad");
      });
    }).catch(function () {
      if (timer) clearTimeout(timer);
      /* Not through: keep it, and send the very same submission again shortly. */
      say(form.dataset.msgOffline, "bad");
      retryTimer = setTimeout(function () { send(pending); }, 5000);
    });
  }

  form.addEventListener("change", function (event) {
    var row = event.target.closest(".roll-row");
    if (row) paint(row);
    count();
  });
  form.addEventListener("input", function (event) {
    var row = event.target.closest(".roll-row");
    if (row && event.target.type === "text") { paint(row); count(); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (retryTimer) return;
    var rows = changedRows();
    if (!rows.entries.length && !rows.checks.length) return;
    var pending = {client_token: form.querySelector("input[name=client_token]").value,
                   entries: rows.entries, checks: rows.checks};
    localStorage.setItem(storeKey, JSON.stringify(pending));
    send(pending);
  });

  var search = form.querySelector(".roll-search");
  if (search) {
    search.addEventListener("input", function () {
      var wanted = fold(search.value.trim());
      form.querySelectorAll(".roll-row[data-person]").forEach(function (row) {
        row.hidden = wanted !== "" && fold(row.dataset.name).indexOf(wanted) === -1;
      });
    });
    search.addEventListener("keydown", function (event) { if (event.key === "Enter") event.preventDefault(); });
  }
  var allPresent = form.querySelector("[data-roll-all-present]");
  if (allPresent) {
    allPresent.hidden = false;
    allPresent.addEventListener("click", function () {
      form.querySelectorAll(".roll-row[data-person]").forEach(function (row) {
        if (rowValue(row).state) return;
        var radio = row.querySelector('input[type=radio][value="present"]');
        if (radio && !radio.disabled) { radio.checked = true; paint(row); }
      });
      count();
    });
  }

  form.querySelectorAll(".roll-row").forEach(paint);
  count();
  /* A submission left from a connection that dropped: send it again, same token. */
  var left = localStorage.getItem(storeKey);
  if (left) {
    try {
      var pending = JSON.parse(left);
      form.querySelector("input[name=client_token]").value = pending.client_token;
      send(pending);
    } catch (error) { localStorage.removeItem(storeKey); }
  }
})();
