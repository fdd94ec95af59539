/* Live exercises on a book page: Python starts in a Web Worker while the learner reads, and the
 * exercise written into the page by the build (skischool.live.page.markup) comes alive.
 *
 * What this script owns:
 *   - the worker's start and the honest state line under each Check button;
 *   - the learner's drafts and attempts: one store for the whole site, in localStorage, one key
 *     per attempt (so two tabs saving at the same moment both keep their attempt), shared by
 *     every page and every tab, with download, upload and "Start again";
 *   - shared-computer mode, for a library or classroom computer: attempts and drafts are kept in
 *     this tab's sessionStorage for the visit instead, and never written to localStorage;
 *   - focus and announcements: the verdict is read out by a polite live region and focus moves
 *     to it after Check.
 * The learner's own words are only ever set with textContent or .value; the only HTML inserted is
 * what the engine rendered (and escaped) in the worker.
 */
(function () {
  "use strict";

  // Loaded with "async" on pages that hold a live exercise (book/_ext/live_exercise.py), so
  // Python starts while the rest of the page is still arriving; the exercises are wired up
  // once the document has been parsed.

  var ATTEMPT = "skischool.attempt."; // + attempt id  -> one attempt (the engine's export record)
  var DRAFT = "skischool.draft."; // + rubric key      -> the text being written
  var EXPORT_FORMAT = "skischool-progress";
  var EXPORT_VERSION = 1;
  var THREAD = "#thread"; // + after a draft's key -> a conversation's replies so far
  var MAX_TURNS = 3; // a conversation has at most three turns (skischool.conversation)
  var KEEP_CHARS = 20000; // a saved attempt keeps at most this much of a reply (Check judges all)
  var PREVIEW_DELAY_MS = 250;
  var STEPS = { python: [1, "Starting Python in your browser…"], engine: [2, "Loading the course engine…"] };

  var script = document.currentScript;
  var staticBase = script ? script.src.replace(/[^/]*$/, "") : "";
  // The course and release the book was built from (book/_ext/live_exercise.py writes them on
  // this script tag from course.yml): a download names them, so a class report can tell a file
  // from another course or an older release.
  var COURSE = script ? script.getAttribute("data-ss-course") || "" : "";
  var RELEASE = script ? script.getAttribute("data-ss-release") || "" : "";
  var root = document.documentElement.getAttribute("data-content_root") || "";
  var liveBase = new URL(root + "live/", location.href).href;
  var pageNotebook = location.pathname.replace(/^.*\/exercises\//, "").replace(/\.html$/, "");
  var exercises = [];

  // --- where progress is kept ----------------------------------------------------------------
  // Normally in localStorage: shared by every page and tab of the site, kept until cleared.
  // In shared-computer mode (switched on in the progress panel, or by arriving with ?shared=1),
  // in sessionStorage instead, and localStorage is never written. Why sessionStorage and not a
  // variable: the course is many pages, and a variable dies with each page, so a learner moving
  // from one exercise to the next would lose their attempts and their download would hold one
  // page. sessionStorage belongs to this tab alone, lasts while the tab is open (through reloads
  // and from page to page) and is deleted by the browser when the tab is closed. Its limit: a
  // browser that restores closed tabs ("Reopen closed tab", "Continue where you left off") may
  // bring it back, so the panel also offers "Forget this visit now". Whether the mode is on is
  // kept beside the attempts, and in a session cookie, so a second tab of the same browser
  // session starts in it too (a cookie holds only "1": nothing about the learner).
  var SHARED = "skischool.shared"; // in sessionStorage: "1" while this tab is in shared mode
  var SHARED_COOKIE = "skischool-shared";

  function memoryStorage() {
    // The Storage interface over a plain object: when the browser refuses both storages, the
    // attempts still last while this page is open.
    var items = Object.create(null);
    var keys = [];
    return {
      get length() {
        return keys.length;
      },
      key: function (i) {
        return i < keys.length ? keys[i] : null;
      },
      getItem: function (key) {
        return key in items ? items[key] : null;
      },
      setItem: function (key, value) {
        if (!(key in items)) keys.push(key);
        items[key] = String(value);
      },
      removeItem: function (key) {
        if (!(key in items)) return;
        delete items[key];
        keys.splice(keys.indexOf(key), 1);
      },
    };
  }

  var places = { memory: memoryStorage() };
  function place(name) {
    // "local" or "session": the browser's Storage, or null when it refuses it. Probed on first
    // use only, so shared mode never touches localStorage, not even with a probe.
    if (!(name in places)) {
      try {
        var s = window[name + "Storage"];
        s.setItem("skischool.probe", "1");
        s.removeItem("skischool.probe");
        places[name] = s;
      } catch (e) {
        places[name] = null;
      }
    }
    return places[name];
  }

  var sharedHere = false; // shared mode for this page, when neither storage nor cookie can say
  function readLocal() {
    // localStorage for reading only (what earlier visits left), without the write of a probe.
    try {
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  var shared = {
    on: function () {
      if (sharedHere) return true;
      try {
        var s = place("session");
        if (s && s.getItem(SHARED) === "1") return true;
      } catch (e) {
        /* unreadable: ask the cookie */
      }
      return document.cookie.split(/;\s*/).indexOf(SHARED_COOKIE + "=1") !== -1;
    },
    set: function (flag) {
      sharedHere = flag;
      try {
        var s = place("session");
        if (s && flag) s.setItem(SHARED, "1");
        else if (s) s.removeItem(SHARED);
      } catch (e) {
        /* the cookie and sharedHere still say it */
      }
      var path = new URL(root || "./", location.href).pathname; // the site's own folder
      document.cookie = SHARED_COOKIE + "=" + (flag ? "1" : "; max-age=0") + "; path=" + path + "; SameSite=Strict";
    },
    // What localStorage holds for this site (earlier visits, perhaps someone else's).
    leftovers: function () {
      var found = { attempts: [], drafts: [] };
      var local = readLocal();
      if (!local) return found;
      try {
        for (var i = 0; i < local.length; i++) {
          var key = local.key(i) || "";
          if (key.indexOf(ATTEMPT) === 0) found.attempts.push(key);
          else if (key.indexOf(DRAFT) === 0) found.drafts.push(key);
        }
      } catch (e) {
        /* nothing readable, nothing to remove */
      }
      return found;
    },
    removeLeftovers: function () {
      var found = this.leftovers();
      var local = readLocal();
      found.attempts.concat(found.drafts).forEach(function (key) {
        try {
          local.removeItem(key);
        } catch (e) {
          /* already gone */
        }
      });
      return found;
    },
  };

  // --- one store for the whole site ----------------------------------------------------------
  var store = {
    // "local" (this browser), "session" (this tab, shared mode) or "memory" (this page only).
    where: function () {
      if (shared.on()) return place("session") ? "session" : "memory";
      return place("local") ? "local" : "memory";
    },
    storage: function () {
      var where = this.where();
      return where === "memory" ? places.memory : place(where);
    },
    keys: function (prefix) {
      var s = this.storage();
      var out = [];
      for (var i = 0; i < s.length; i++) {
        var key = s.key(i);
        if (key && key.indexOf(prefix) === 0) out.push(key);
      }
      return out;
    },
    all: function () {
      var s = this.storage();
      var out = [];
      this.keys(ATTEMPT).forEach(function (key) {
        try {
          var record = JSON.parse(s.getItem(key));
          if (record && typeof record.exercise === "string") out.push(record);
        } catch (e) {
          /* a damaged entry is left where it is, never counted, never deleted */
        }
      });
      out.sort(function (a, b) {
        return a.time < b.time ? -1 : a.time > b.time ? 1 : 0;
      });
      return out;
    },
    count: function (exercise) {
      return this.all().filter(function (a) {
        return a.exercise === exercise;
      }).length;
    },
    save: function (attempt) {
      this.storage().setItem(ATTEMPT + attempt.id, JSON.stringify(attempt));
    },
    clear: function (exercise) {
      var s = this.storage();
      var doomed = this.keys(ATTEMPT).filter(function (key) {
        try {
          return JSON.parse(s.getItem(key)).exercise === exercise;
        } catch (e) {
          return false; /* not ours to judge */
        }
      });
      doomed.forEach(function (key) {
        s.removeItem(key);
      });
      return doomed.length;
    },
    // Every attempt and draft of this store, gone (shared mode's "Forget this visit now").
    forget: function () {
      var s = this.storage();
      var n = this.all().length;
      this.keys(ATTEMPT)
        .concat(this.keys(DRAFT))
        .forEach(function (key) {
          s.removeItem(key);
        });
      return n;
    },
    draft: function (key, text) {
      try {
        var s = this.storage();
        if (text === undefined) return s.getItem(DRAFT + key) || "";
        if (text) s.setItem(DRAFT + key, text.slice(0, KEEP_CHARS));
        else s.removeItem(DRAFT + key);
      } catch (e) {
        /* a draft that cannot be kept is still in the box */
      }
      return "";
    },
    // A conversation's replies sent so far, kept beside its draft (the same prefix, so shared
    // mode, "Forget this visit" and the move into this browser treat them alike): a reload
    // mid-thread picks the conversation up where it was instead of losing it.
    thread: function (key, replies) {
      var name = DRAFT + key + THREAD;
      try {
        var s = this.storage();
        if (replies === undefined) {
          var list = JSON.parse(s.getItem(name) || "[]");
          if (!Array.isArray(list)) return [];
          return list.filter(function (r) { return typeof r === "string"; }).slice(0, MAX_TURNS);
        }
        if (replies.length) {
          s.setItem(name, JSON.stringify(replies.map(function (r) { return r.slice(0, KEEP_CHARS); })));
        } else s.removeItem(name);
      } catch (e) {
        /* unreadable: start the conversation afresh; unwritable: it is still on the screen */
      }
      return [];
    },
    exportText: function () {
      var head = { format: EXPORT_FORMAT, version: EXPORT_VERSION };
      if (COURSE) {
        head.course = COURSE;
        head.release = RELEASE;
      }
      head.exported = new Date().toISOString();
      head.attempts = this.all();
      return JSON.stringify(head, null, 1) + "\n";
    },
    importText: function (text) {
      var document_;
      try {
        document_ = JSON.parse(text);
      } catch (e) {
        throw new Error("this file is not JSON");
      }
      if (!document_ || document_.format !== EXPORT_FORMAT)
        throw new Error('this is not a skischool progress file (no "format": "' + EXPORT_FORMAT + '")');
      if (document_.version !== EXPORT_VERSION)
        throw new Error("progress file version " + JSON.stringify(document_.version) + "; this site reads " + EXPORT_VERSION);
      if (!Array.isArray(document_.attempts)) throw new Error('its "attempts" is not a list');
      var known = {};
      this.all().forEach(function (a) {
        known[a.id] = true;
      });
      var added = 0;
      var fresh = [];
      document_.attempts.forEach(function (a, i) {
        var bad = checkAttempt(a);
        if (bad) throw new Error("attempts[" + i + "]: " + bad);
        if (!known[a.id]) fresh.push(a);
      });
      fresh.forEach(function (a) {
        store.save(a);
        added++;
      });
      return { added: added, known: document_.attempts.length - added };
    },
  };

  // The kinds of exercise an attempt can be at (progress.py KINDS says the same).
  var KINDS = ["reply", "choice", "conversation", "triage"];

  function checkAttempt(a) {
    if (!a || typeof a !== "object") return "not an object";
    var fields = { id: "string", exercise: "string", time: "string", kind: "string", answer: "string", learner: "string", score: "number", passed: "boolean", criteria_met: "number", criteria_total: "number" };
    for (var name in fields) {
      if (typeof a[name] !== fields[name]) return '"' + name + '" must be a ' + fields[name];
    }
    if (!a.id || !a.exercise) return '"id" and "exercise" must not be empty';
    if (a.page !== undefined && typeof a.page !== "string") return '"page" must be a string';
    if (KINDS.indexOf(a.kind) < 0) return '"kind" must be one of ' + KINDS.join(", ");
    if (isNaN(Date.parse(a.time))) return '"time" is not a date';
    return "";
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var hex = "";
    for (var i = 0; i < 32; i++) hex += Math.floor(Math.random() * 16).toString(16);
    return hex.replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-4$3-$4-").slice(0, 36);
  }

  // --- the worker -----------------------------------------------------------------------------
  var worker = null;
  var pending = {};
  var nextId = 1;
  var state = { step: "", ready: false, failed: "", readyMs: 0 };

  function request(message) {
    return new Promise(function (resolve, reject) {
      message.id = nextId++;
      pending[message.id] = { resolve: resolve, reject: reject };
      worker.postMessage(message);
    });
  }

  function startWorker() {
    var config = {
      live: liveBase,
      pyodide: liveBase + "static/pyodide/",
      root: root,
    };
    state.workerStartMs = Math.round(performance.now());
    try {
      worker = new Worker(staticBase + "skischool-live-worker.js#" + encodeURIComponent(JSON.stringify(config)), { type: "module" });
    } catch (e) {
      fail("your browser could not start Python here (" + e.message + ")");
      return;
    }
    worker.onmessage = function (event) {
      var m = event.data || {};
      if (m.op === "step") return onStep(m);
      if (m.op === "failed") return fail(m.error);
      var waiter = pending[m.id];
      if (!waiter) return;
      delete pending[m.id];
      if (m.ok) waiter.resolve(m.value);
      else waiter.reject(new Error(m.error));
    };
    worker.onerror = function (event) {
      fail(event.message || "Python stopped");
    };
  }

  function onStep(m) {
    state.step = m.step;
    if (m.step === "ready") {
      state.ready = true;
      state.readyMs = m.ms;
      state.timings = m.timings;
      exercises.forEach(function (ex) {
        ex.open();
      });
      return;
    }
    var info = STEPS[m.step];
    if (info)
      exercises.forEach(function (ex) {
        ex.setState(info[1] + " Check will be ready in a few seconds; your draft is kept.", info[0]);
      });
  }

  function fail(error) {
    state.failed = error;
    exercises.forEach(function (ex) {
      ex.setState("Python could not start, so Check cannot work on this page: " + error + ". Reload the page to try again.", 0, true);
    });
  }

  // --- one exercise on the page ---------------------------------------------------------------
  function Exercise(section) {
    var self = this;
    this.section = section;
    this.key = section.getAttribute("data-ss-rubric");
    this.exercise = section.getAttribute("data-ss-exercise");
    this.page = section.getAttribute("data-ss-page") || ""; // with the rubric id, the attempt's key
    this.kind = section.getAttribute("data-ss-kind");
    this.text = section.querySelector("textarea.ss-text");
    this.count = section.querySelector(".ss-count");
    this.preview = section.querySelector(".ss-preview");
    this.check = section.querySelector("button.ss-check");
    this.attempts = section.querySelector(".ss-attempts");
    this.stateLine = section.querySelector(".ss-state");
    this.stateText = section.querySelector(".ss-state-text");
    this.progress = section.querySelector("progress.ss-progress");
    this.announce = section.querySelector(".ss-announce");
    this.feedback = section.querySelector(".ss-feedback");
    this.tone = section.querySelector(".ss-tone");
    this.model = section.querySelector(".ss-model");
    this.modelWait = section.querySelector(".ss-model-wait"); // what earns the model reply
    if (!this.modelWait) {
      // A page written by an older build: the line goes where the build now puts it.
      this.modelWait = element("p", "ss-model-wait");
      this.modelWait.hidden = true;
      this.model.parentNode.insertBefore(this.modelWait, this.model);
    }
    this.showModel = section.querySelector("button.ss-show-model");
    this.reset = section.querySelector("button.ss-reset");
    // A conversation: the thread so far, the "Reply 2 of 3" line, and the replies already sent.
    this.thread = section.querySelector(".ss-thread");
    this.turnLine = section.querySelector(".ss-turn");
    this.restart = section.querySelector("button.ss-restart");
    this.replies = [];
    this.hasModel = false;
    this.opened = false;
    this.busy = false;
    this.timer = 0;

    if (this.text) {
      this.text.value = store.draft(this.key);
      this.updateCount();
      this.text.addEventListener("input", function () {
        self.updateCount();
        self.keepDraft();
        clearTimeout(self.timer);
        self.timer = setTimeout(function () {
          self.runPreview();
        }, PREVIEW_DELAY_MS);
      });
      // Enter makes a new line (the textarea's own behaviour); Ctrl+Enter or Cmd+Enter checks.
      this.text.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          if (!self.check.disabled) self.runCheck();
        }
      });
    }
    this.check.addEventListener("click", function () {
      self.runCheck();
    });
    this.showModel.addEventListener("click", function () {
      self.revealModel();
    });
    this.reset.addEventListener("click", function () {
      self.startAgain();
    });
    if (this.restart) {
      this.restart.addEventListener("click", function () {
        self.clearScreen();
        self.announce.textContent = "A new conversation. Your earlier attempts are kept.";
        self.text.focus();
      });
    }
    this.showAttempts();
  }

  Exercise.prototype.keepDraft = function () {
    if (this.text) store.draft(this.key, this.text.value);
  };

  Exercise.prototype.setState = function (text, stepNo, problem) {
    this.stateText.textContent = text;
    if (this.progress) {
      this.progress.value = stepNo || 0;
      this.progress.hidden = !!problem || stepNo === 3;
    }
    this.stateLine.classList.toggle("ss-problem", !!problem);
  };

  Exercise.prototype.updateCount = function () {
    var n = Array.from(this.text.value).length;
    var limit = parseInt(this.count.getAttribute("data-limit") || "0", 10);
    if (!limit) {
      this.count.textContent = n + " characters";
      return;
    }
    var over = n - limit;
    this.count.textContent = n + " / " + limit + " characters" + (over > 0 ? ", " + over + " over the limit" : "");
    this.count.classList.toggle("ss-over", over > 0);
  };

  Exercise.prototype.answer = function () {
    if (this.kind === "reply") return this.text.value;
    if (this.kind === "conversation") return JSON.stringify(this.replies.concat([this.text.value]));
    if (this.kind === "triage") {
      var sorting = {};
      Array.prototype.forEach.call(this.section.querySelectorAll("li.ss-item"), function (li) {
        var action = li.querySelector("select.ss-action").value;
        var reason = li.querySelector("select.ss-reason").value;
        var noteBox = li.querySelector("input.ss-note");
        var note = noteBox ? noteBox.value.trim() : "";
        if (!(action || reason || note)) return;
        var sorted = { action: action, reason: reason };
        if (note) sorted.note = note; // kept with the attempt, never scored
        sorting[li.getAttribute("data-ss-item")] = sorted;
      });
      return JSON.stringify(sorting);
    }
    var picked = Array.prototype.filter
      .call(this.section.querySelectorAll(".ss-option input"), function (input) {
        return input.checked;
      })
      .map(function (input) {
        return input.value;
      });
    return JSON.stringify(picked);
  };

  Exercise.prototype.open = function () {
    var self = this;
    // The page id tells the worker whether this is a checkpoint (feedback and model reply differ).
    request({ op: "open", key: this.key, url: liveBase + "rubrics/" + this.key + ".json", page: this.page }).then(
      function (info) {
        self.opened = true;
        self.hasModel = info.has_model;
        return self.resumeThread().then(function () {
          self.check.disabled = false;
          self.reset.disabled = false;
          self.setState("Python is ready. Write, then press " + self.check.textContent + (self.text ? " (or Ctrl+Enter)" : "") + ".", 3);
          self.showAttempts();
          if (self.text && self.text.value.trim()) self.runPreview();
          self.section.setAttribute("data-ss-ready", "true");
          state.openedMs = Math.round(performance.now());
        });
      },
      function (error) {
        self.setState("This exercise could not be loaded: " + error.message, 0, true);
      }
    );
  };

  Exercise.prototype.runPreview = function () {
    var self = this;
    if (!this.opened || !this.text || this.busy) return;
    request({ op: "preview", key: this.key, text: this.text.value }).then(function (view) {
      self.preview.textContent = view.summary;
      if (!self.feedback.hasChildNodes()) self.tone.innerHTML = view.tone;
    }, function () {});
  };

  Exercise.prototype.runCheck = function () {
    var self = this;
    if (!this.opened || this.busy) return;
    this.busy = true;
    this.check.disabled = true;
    clearTimeout(this.timer);
    var t0 = performance.now();
    var sent = this.text ? this.text.value : ""; // a conversation's reply as it was sent
    request({ op: "check", key: this.key, answer: this.answer() }).then(
      function (verdict) {
        self.busy = false;
        self.check.disabled = false;
        if (verdict.pending) return self.nextTurn(verdict, sent);
        if (self.kind === "conversation") self.endConversation();
        if (self.kind === "triage") self.markItems(verdict.items || []);
        self.feedback.innerHTML = verdict.html; // the engine's HTML, every word escaped in Python
        self.tone.innerHTML = verdict.tone;
        if (self.preview) self.preview.textContent = "";
        self.section.setAttribute("data-ss-check-ms", String(Math.round(performance.now() - t0)));
        var saved = self.record(verdict);
        var heard = (verdict.passed ? "Pass. " : "Not yet. ") + verdict.summary + ".";
        self.announce.textContent = saved ? heard : heard + " This attempt could not be saved.";
        self.feedback.focus();
        self.showAttempts();
      },
      function (error) {
        self.busy = false;
        self.check.disabled = false;
        self.setState("Check failed: " + error.message, 0, true);
      }
    );
  };

  // A conversation's reply that is not the last: the thread grows and the box empties.
  // Restoring a thread after a reload replays it: the box keeps the draft of the next reply.
  Exercise.prototype.nextTurn = function (verdict, sent, restoring) {
    this.replies.push(sent);
    store.thread(this.key, this.replies);
    this.thread.insertAdjacentHTML("beforeend", verdict.html); // the engine's HTML, escaped in Python
    this.turnLine.textContent = "Reply " + verdict.turn + " of " + verdict.turns + ". They will answer back: what they say depends on your reply.";
    if (restoring) return;
    this.text.value = "";
    this.keepDraft();
    this.updateCount();
    if (this.preview) this.preview.textContent = "";
    this.announce.textContent = verdict.said;
    this.text.focus();
  };

  // After a reload: the replies already sent go back through the engine, one turn at a time,
  // so the thread shows the same follow-ups as before. Nothing is recorded: no turn but the
  // last makes an attempt. A thread that no longer fits the rubric (it changed) starts afresh.
  Exercise.prototype.resumeThread = function () {
    var self = this;
    var saved = this.kind === "conversation" ? store.thread(this.key) : [];
    if (!saved.length) return Promise.resolve();
    var fresh = function () {
      store.thread(self.key, []);
      self.clearScreen();
    };
    return saved
      .reduce(function (chain, sent, i) {
        return chain.then(function (going) {
          if (!going) return false;
          var answer = JSON.stringify(saved.slice(0, i + 1));
          return request({ op: "check", key: self.key, answer: answer }).then(function (verdict) {
            if (!verdict.pending) return false;
            self.nextTurn(verdict, sent, true);
            return true;
          });
        });
      }, Promise.resolve(true))
      .then(
        function (whole) {
          if (!whole) return fresh();
          self.announce.textContent = "Your conversation is back where you left it: reply " + (saved.length + 1) + " is next.";
        },
        fresh
      );
  };

  // The last reply is in: the feedback shows the whole thread, so the box and the live thread go.
  Exercise.prototype.endConversation = function () {
    this.replies = [];
    store.thread(this.key, []);
    this.thread.innerHTML = "";
    this.text.value = "";
    this.keepDraft();
    this.updateCount();
    this.text.closest(".ss-field").hidden = true;
    this.check.hidden = true;
    this.turnLine.textContent = "The conversation is over. Your feedback is below.";
    this.restart.hidden = false;
  };

  Exercise.prototype.markItems = function (items) {
    var section = this.section;
    items.forEach(function (it) {
      var li = section.querySelector('li.ss-item[data-ss-item="' + CSS.escape(it.id) + '"]');
      if (!li) return;
      var mark = li.querySelector(".ss-mark");
      mark.textContent = it.met ? "✓ sorted well" : "✗ look again";
      li.classList.toggle("ss-item-met", it.met === true);
      li.classList.toggle("ss-item-unmet", it.met !== true);
    });
  };

  Exercise.prototype.record = function (verdict) {
    if ((this.kind === "choice" || this.kind === "triage") && verdict.answer === "") return true; // nothing picked: no attempt
    var attempt = {
      exercise: this.exercise,
      time: new Date().toISOString(),
      score: verdict.score,
      passed: verdict.passed,
      criteria_met: verdict.criteria_met,
      criteria_total: verdict.criteria_total,
      kind: verdict.kind,
      answer: verdict.answer.slice(0, KEEP_CHARS),
      learner: "",
      id: newId(),
      page: this.page,
    };
    try {
      store.save(attempt);
      if (panel) panel.refresh();
      return true;
    } catch (e) {
      this.setState("This attempt could not be saved (the browser's storage for this site is full or off). Download your progress below to keep what you have.", 3, true);
      return false;
    }
  };

  Exercise.prototype.showAttempts = function () {
    var n = store.count(this.exercise);
    this.attempts.textContent = n === 0 ? "No attempts yet" : plural(n, "attempt");
    this.offerModel();
  };

  // What this store knows of the learner here: the attempts, and whether any of them passed.
  Exercise.prototype.standing = function () {
    var exercise = this.exercise;
    var mine = store.all().filter(function (a) {
      return a.exercise === exercise;
    });
    return {
      attempts: mine.length,
      passed: mine.some(function (a) {
        return a.passed === true;
      }),
    };
  };

  // The model reply is earned (a pass, or a few attempts outside a checkpoint): the engine
  // decides (skischool.reveal) and hands it over only then. Until then the line says what earns it.
  Exercise.prototype.offerModel = function () {
    var self = this;
    var now = this.standing();
    if (!this.hasModel || !this.opened || now.attempts === 0) {
      this.showModel.hidden = true;
      this.modelWait.hidden = true;
      this.modelWait.textContent = "";
      return;
    }
    request({ op: "model", key: this.key, attempts: now.attempts, passed: now.passed }).then(function (answer) {
      self.showModel.hidden = !answer.earned || !self.model.hidden;
      self.modelWait.textContent = answer.reason;
      self.modelWait.hidden = !answer.reason;
      if (!answer.earned) {
        self.model.innerHTML = "";
        self.model.hidden = true;
      }
    }, function () {});
  };

  Exercise.prototype.revealModel = function () {
    var self = this;
    var now = this.standing();
    if (now.attempts === 0) return;
    request({ op: "model", key: this.key, attempts: now.attempts, passed: now.passed }).then(function (answer) {
      if (!answer.earned) return self.offerModel();
      self.model.innerHTML = answer.html; // the engine's HTML, every word escaped in Python
      self.model.hidden = !answer.html;
      self.showModel.hidden = true;
      self.model.setAttribute("tabindex", "-1");
      self.model.focus();
    });
  };

  Exercise.prototype.startAgain = function () {
    var n = store.clear(this.exercise);
    store.draft(this.key, "");
    this.clearScreen();
    this.showAttempts();
    this.announce.textContent = "Started again: " + plural(n, "attempt") + " cleared.";
    (this.text || this.section.querySelector(".ss-option input, select.ss-action")).focus();
  };

  // Everything of the learner's on the page (their words, picks, feedback that quotes them).
  Exercise.prototype.clearScreen = function () {
    if (this.kind === "conversation") {
      this.replies = [];
      store.thread(this.key, []);
      this.thread.innerHTML = "";
      this.text.closest(".ss-field").hidden = false;
      this.check.hidden = false;
      this.restart.hidden = true;
      var turns = this.turnLine.getAttribute("data-ss-turns");
      this.turnLine.textContent = "Reply 1 of " + turns + ". They will answer back: what they say depends on your reply.";
    }
    if (this.kind === "triage") {
      Array.prototype.forEach.call(this.section.querySelectorAll("li.ss-item"), function (li) {
        li.querySelector("select.ss-action").value = "";
        li.querySelector("select.ss-reason").value = "";
        var noteBox = li.querySelector("input.ss-note");
        if (noteBox) noteBox.value = "";
        li.querySelector(".ss-mark").textContent = "";
        li.classList.remove("ss-item-met", "ss-item-unmet");
      });
    } else if (this.text) {
      this.text.value = "";
      this.updateCount();
      this.preview.textContent = "";
    } else {
      Array.prototype.forEach.call(this.section.querySelectorAll(".ss-option input"), function (input) {
        input.checked = false;
      });
    }
    this.feedback.innerHTML = "";
    this.tone.innerHTML = "";
    this.model.innerHTML = "";
    this.model.hidden = true;
  };

  // --- the page's progress panel: download, upload and shared-computer mode -------------------
  var panelCount = 0;
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
  function button(text) {
    var node = element("button", "", text);
    node.type = "button";
    return node;
  }

  function progressPanel() {
    var uid = "ss-panel-" + ++panelCount;
    var panel = document.createElement("aside");
    panel.className = "ss-progress-panel";
    panel.setAttribute("aria-label", "Your progress");
    var p = element("p", "ss-panel-summary");
    var download = button("Download my progress");
    var upload = button("Upload a progress file");
    var forget = button("Forget this visit now");
    var input = document.createElement("input");
    input.type = "file";
    input.accept = ".json,application/json";
    input.hidden = true;
    var status = element("p", "ss-panel-status");
    status.setAttribute("role", "status");
    var notebook = document.createElement("a");
    notebook.href = liveBase + "notebooks/index.html?path=" + encodeURIComponent("exercises/" + pageNotebook + ".ipynb");
    notebook.textContent = "Open this exercise as a notebook (JupyterLite)";

    // The switch: a real checkbox with its label, described by a line that says what it does.
    var sharedRow = element("div", "ss-shared");
    var checkbox = document.createElement("input");
    checkbox.type = "checkbox";
    checkbox.id = uid + "-shared";
    checkbox.setAttribute("aria-describedby", uid + "-shared-hint");
    var label = element("label", "", "This is a shared computer");
    label.htmlFor = checkbox.id;
    var hint = element("p", "ss-hint", "Keep my attempts and drafts in this tab only, for this visit: closing the tab forgets them.");
    hint.id = uid + "-shared-hint";
    sharedRow.append(checkbox, label, hint);

    // A question asked in the page (not a browser dialog), answered with one of two buttons.
    var confirmBox = element("div", "ss-confirm");
    confirmBox.setAttribute("role", "group");
    confirmBox.setAttribute("aria-labelledby", uid + "-question");
    confirmBox.hidden = true;
    var question = element("p", "ss-question");
    question.id = uid + "-question";
    question.tabIndex = -1;
    var yes = button("");
    var no = button("");
    var answers = element("div", "ss-tools");
    answers.append(yes, no);
    confirmBox.append(question, answers);
    var pending = null;
    function ask(text, yesText, noText, onYes, onNo) {
      question.textContent = text;
      yes.textContent = yesText;
      no.textContent = noText;
      pending = { yes: onYes, no: onNo };
      confirmBox.hidden = false;
    }
    function answer(which) {
      var chosen = pending && pending[which];
      pending = null;
      confirmBox.hidden = true;
      if (chosen) chosen();
    }
    yes.addEventListener("click", function () {
      answer("yes");
    });
    no.addEventListener("click", function () {
      answer("no");
    });

    var summary = function () {
      var all = store.all();
      var seen = {};
      all.forEach(function (a) {
        seen[a.exercise] = true;
      });
      var so = plural(all.length, "attempt") + " on " + plural(Object.keys(seen).length, "exercise") + " so far.";
      var where = store.where();
      var isShared = shared.on();
      if (where === "local") p.textContent = "Your attempts are kept in this browser, for every page of the course: " + so + " Nothing is sent anywhere.";
      else if (isShared && where === "session") p.textContent = "Shared-computer mode is on. Your attempts are kept only in this tab, for this visit: " + so + " Closing the tab forgets them, so download your progress to keep them. Nothing is sent anywhere.";
      else if (isShared) p.textContent = "Shared-computer mode is on, and this browser keeps nothing for the course, so your attempts last only while this page is open: " + so + " Download your progress to keep them.";
      else p.textContent = "This browser does not let the course keep your attempts (storage is off), so they last only while this page is open: " + so;
      checkbox.checked = isShared;
      forget.hidden = !isShared;
      panel.classList.toggle("ss-is-shared", isShared);
    };

    function offerToRemoveLeftovers() {
      var found = shared.leftovers();
      var n = found.attempts.length;
      var d = found.drafts.length;
      if (!n && !d) return false;
      ask(
        "This browser still keeps " + (n ? plural(n, "attempt") : "") + (n && d ? " and " : "") + (d ? plural(d, "draft") : "") + " from earlier visits to this course, perhaps someone else's. Remove them from this computer? This cannot be undone.",
        "Remove them",
        "Keep them",
        function () {
          var gone = shared.removeLeftovers();
          status.textContent = "Removed " + plural(gone.attempts.length, "attempt") + " and " + plural(gone.drafts.length, "draft") + " from this browser.";
          checkbox.focus();
        },
        function () {
          status.textContent = "Kept what this browser already had. Your attempts from now on stay in this tab only.";
          checkbox.focus();
        }
      );
      return true;
    }

    checkbox.addEventListener("change", function () {
      pending = null;
      confirmBox.hidden = true;
      if (checkbox.checked) {
        shared.set(true);
        exercises.forEach(function (ex) {
          ex.keepDraft(); // what is in the box now goes with the learner, into this tab
        });
        refresh();
        status.textContent = "Shared-computer mode is on: your attempts and drafts now stay in this tab only.";
        if (offerToRemoveLeftovers()) question.focus();
      } else {
        var moved = moveToBrowser();
        refresh();
        status.textContent = "Shared-computer mode is off: " + (moved ? "this visit's " + plural(moved, "attempt") + (moved === 1 ? " is" : " are") + " now kept" : "attempts are kept again") + " in this browser.";
      }
    });

    forget.addEventListener("click", function () {
      var n = store.all().length;
      ask(
        "Forget this visit's " + plural(n, "attempt") + " and drafts in this tab now? Download your progress first if you want to keep them.",
        "Forget them",
        "Cancel",
        function () {
          var gone = store.forget();
          exercises.forEach(function (ex) {
            ex.clearScreen();
          });
          refresh();
          status.textContent = "Forgot " + plural(gone, "attempt") + " and the drafts in this tab.";
          checkbox.focus();
        },
        function () {
          status.textContent = "Nothing was forgotten.";
          forget.focus();
        }
      );
      question.focus();
    });

    download.addEventListener("click", function () {
      var blob = new Blob([store.exportText()], { type: "application/json" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "skischool-progress.json";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () {
        URL.revokeObjectURL(link.href);
      }, 1000);
      status.textContent = "Downloaded skischool-progress.json.";
    });
    upload.addEventListener("click", function () {
      input.click();
    });
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      file.text().then(function (text) {
        try {
          var r = store.importText(text);
          status.textContent = file.name + ": " + r.added + " attempts added, " + r.known + " already here.";
        } catch (e) {
          status.textContent = file.name + " was not loaded: " + e.message + ". Nothing was changed.";
        }
        input.value = "";
        refresh();
      });
    });
    var buttons = element("div", "ss-tools");
    buttons.append(download, upload, forget, input);
    panel.append(p, sharedRow, confirmBox, buttons, status, notebook);
    panel.refresh = summary;
    panel.offerToRemoveLeftovers = offerToRemoveLeftovers;
    summary();
    return panel;
  }

  // Switching shared mode off: this visit's attempts and drafts move into this browser's
  // storage (the learner has said the computer is theirs). Nothing moves that cannot be written.
  function moveToBrowser() {
    var from = store.storage();
    var keys = store.keys(ATTEMPT).concat(store.keys(DRAFT));
    var n = store.all().length;
    shared.set(false);
    var to = store.storage();
    if (to === from) return n;
    keys.forEach(function (key) {
      try {
        to.setItem(key, from.getItem(key));
        from.removeItem(key);
      } catch (e) {
        /* the browser's storage is full: it stays where it was */
      }
    });
    return n;
  }

  var panel = null;
  function refresh() {
    exercises.forEach(function (ex) {
      ex.showAttempts();
    });
    if (panel) panel.refresh();
  }

  // --- start ----------------------------------------------------------------------------------
  // An instructor's link with ?shared=1 starts this tab in shared-computer mode, before any
  // draft is read. The parameter is then taken out of the address, so that a reload after the
  // learner switches the mode off does not switch it on again. The site-wide script
  // (book/_theme/static/skischool.js) does this on every page, usually first, and leaves a
  // one-time note that the tab arrived so; this page reads the parameter too, in case it did not.
  var arrivedShared = false;
  try {
    var session = place("session");
    if (session && session.getItem(SHARED + ".arrived") === "1") {
      arrivedShared = true;
      session.removeItem(SHARED + ".arrived"); // asked once, on the first exercise page
    }
  } catch (e) {
    /* no note to read */
  }
  try {
    var params = new URLSearchParams(location.search);
    if (params.get("shared") === "1") {
      arrivedShared = true;
      shared.set(true);
      params.delete("shared");
      var rest = params.toString();
      history.replaceState(history.state, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
    }
  } catch (e) {
    /* an address the browser will not rewrite: the mode is on all the same */
  }

  var problem = "";
  if (location.protocol === "file:")
    problem = "Opened as a file, this page cannot start Python. Serve the course and open it from there: run make serve (or bash scripts/serve.sh) in the course folder.";
  else if (!("Worker" in window) || !("WebAssembly" in window))
    problem = "Python could not start, so Check cannot work here: this browser lacks Web Workers or WebAssembly.";
  else startWorker();

  function wireUp() {
    var sections = Array.prototype.slice.call(document.querySelectorAll("section.ss-live"));
    if (!sections.length) return;
    exercises = sections.map(function (s) {
      return new Exercise(s);
    });
    panel = progressPanel();
    sections[sections.length - 1].after(panel);
    if (arrivedShared) panel.offerToRemoveLeftovers(); // asked, never done unasked
    window.addEventListener("storage", function (event) {
      if (!event.key || event.key.indexOf(ATTEMPT) === 0) refresh(); // another tab saved or cleared
    });
    if (problem) {
      exercises.forEach(function (ex) {
        ex.setState(problem, 0, true);
      });
    } else if (state.failed) {
      fail(state.failed);
    } else if (state.ready) {
      exercises.forEach(function (ex) {
        ex.open();
      });
    } else if (STEPS[state.step]) {
      onStep({ step: state.step });
    }
  }

  window.skischoolLive = { state: state, store: store, shared: shared }; // for the tests and benchmarks
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wireUp);
  else wireUp();
})();
