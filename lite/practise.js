/* The practice room (lite/practise.html): one exercise of the book, live in the browser.
 *
 * The page is opened by a "Practise live" button as practise.html#<level>/<page>. It loads the
 * JupyterLite console (repl/) in a frame, with code that installs the course engine from this
 * site and opens that exercise, and shows what is happening until the exercise appears.
 *
 * A later "Practise live" click reuses this tab and changes only the part after "#", so the
 * page does not reload: it asks the running Python, over a BroadcastChannel, to open the other
 * exercise (src/skischool/live/channel.py). Python answers "opened" after every switch, which is
 * also how this page knows Python is ready.
 */
(function () {
  "use strict";

  var ID_RE = /^[a-z][a-z-]*\/[0-9a-z][0-9a-z-]*$/; // same rule as the engine's catalogue
  var CHANNEL = "skischool-live";
  var SLOW_AFTER_S = 90; // a 2-core laptop starts in about 25 s; 90 s means something is wrong
  var SWITCH_TIMEOUT_MS = 15000;
  var STEPS = ["page", "python", "exercise"];

  var frame = document.getElementById("room");
  var loading = document.getElementById("loading");
  var title = document.getElementById("loading-title");
  var elapsed = document.getElementById("elapsed");
  var problem = document.getElementById("problem");
  var back = document.getElementById("back");
  var notebook = document.getElementById("notebook");
  // One id per page load, so two open practice rooms never steer each other's Python.
  var session = Math.random().toString(36).slice(2, 12);
  var channel = "BroadcastChannel" in window ? new BroadcastChannel(CHANNEL) : null;
  var state = { id: "", ready: false, started: 0, timer: 0, switchTimer: 0, styled: false };

  function wantedId() {
    var id = "";
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch (e) {
      id = "";
    }
    return ID_RE.test(id) ? id : "";
  }

  function bootCode(id) {
    return [
      'print("Python is running: installing the course engine…")',
      "%pip install -q skischool ipywidgets",
      "from skischool.live import start",
      "start(" + JSON.stringify(id) + ", session=" + JSON.stringify(session) + ")",
    ].join("\n");
  }

  function consoleUrl(id) {
    var query = new URLSearchParams({
      kernel: "python",
      toolbar: "0",
      showBanner: "0",
      hideCodeInput: "1",
      promptCellPosition: "none",
      code: bootCode(id),
    });
    return "repl/index.html?" + query.toString();
  }

  function setStep(name) {
    var at = STEPS.indexOf(name);
    Array.prototype.forEach.call(document.querySelectorAll(".ss-steps li"), function (li) {
      var i = STEPS.indexOf(li.getAttribute("data-step"));
      li.className = i < at ? "ss-done" : i === at ? "ss-active" : "";
    });
  }

  function showProblem(text) {
    problem.hidden = false;
    problem.textContent = text; // textContent: never markup, whatever the error says
  }

  function describe(id) {
    back.href = id ? "../exercises/" + id + ".html" : "../index.html";
    notebook.href = id
      ? "notebooks/index.html?path=" + encodeURIComponent("exercises/" + id + ".ipynb")
      : "notebooks/index.html";
  }

  function styleConsole(doc) {
    if (state.styled || !doc.head) return;
    var style = doc.createElement("style");
    // Only the exercise should show: no prompts, no start-up message, no empty input cell, and
    // no toolbar (its restart and clear buttons would throw the learner's room away).
    style.textContent =
      ".jp-InputPrompt, .jp-OutputPrompt { display: none !important; }" +
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"] { display: none; }' +
      ".jp-CodeConsole-promptCell, .jp-ConsolePanel > .jp-Toolbar { display: none !important; }" +
      ".jp-CodeConsole-content { padding: 0 1em; }" +
      // JupyterLab positions its panels itself, so hidden parts leave their space: make it blank.
      ".jp-ConsolePanel, .jp-CodeConsole-input { background: #fff !important; border: 0 !important; }" +
      ".jp-CodeConsole-split > .lm-SplitPanel-handle { display: none !important; }";
    doc.head.appendChild(style);
    state.styled = true;
  }

  function poll() {
    var seconds = Math.round((Date.now() - state.started) / 1000);
    elapsed.textContent = seconds + " s";
    if (seconds >= SLOW_AFTER_S && problem.hidden) {
      showProblem(
        "This is taking longer than usual. A slow connection to this site or an old browser can " +
          "cause it. You can keep waiting, or reload the page to try again."
      );
    }
    var doc = null;
    try {
      doc = frame.contentDocument;
    } catch (e) {
      doc = null;
    }
    if (!doc) return;
    if (doc.querySelector(".ss-room")) {
      ready(doc);
      return;
    }
    var error = doc.querySelector(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    );
    if (error && /Error/.test(error.textContent || "")) {
      title.textContent = "Python could not open this exercise";
      showProblem((error.textContent || "").slice(-600));
    }
    if (doc.querySelector(".jp-OutputArea-output")) {
      setStep("exercise");
    } else if (doc.querySelector(".jp-CodeConsole")) {
      styleConsole(doc);
      setStep("python");
    }
  }

  function ready(doc) {
    window.clearInterval(state.timer);
    state.ready = true;
    loading.hidden = true;
    document.body.setAttribute("data-live", "ready");
    var box = doc.querySelector(".ss-room textarea, .ss-room input");
    if (box) box.focus();
  }

  function boot(id) {
    window.clearInterval(state.timer);
    state = { id: id, ready: false, started: Date.now(), timer: 0, switchTimer: 0, styled: false };
    document.body.setAttribute("data-live", "starting");
    loading.hidden = false;
    problem.hidden = true;
    title.textContent = "Starting Python in your browser…";
    setStep("page");
    describe(id);
    frame.src = consoleUrl(id);
    state.timer = window.setInterval(poll, 250);
  }

  if (channel) {
    channel.onmessage = function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (!message || message.session !== session || message.type !== "opened") return;
      if (!ID_RE.test(message.exercise || "")) return;
      window.clearTimeout(state.switchTimer);
      state.id = message.exercise;
      document.body.setAttribute("data-live", state.ready ? "ready" : "starting");
      document.body.setAttribute("data-exercise", message.exercise);
      history.replaceState(null, "", "#" + message.exercise);
      document.title = String(message.title || "Exercise") + " · Practise live";
      describe(message.exercise);
    };
  }

  window.addEventListener("hashchange", function () {
    var id = wantedId();
    if (!id || id === state.id) return;
    if (state.ready && channel) {
      document.body.setAttribute("data-live", "switching");
      channel.postMessage(JSON.stringify({ type: "open", exercise: id, session: session }));
      // No answer (Python busy or gone): start afresh rather than leave the learner waiting.
      state.switchTimer = window.setTimeout(function () {
        boot(id);
      }, SWITCH_TIMEOUT_MS);
    } else {
      boot(id);
    }
  });

  boot(wantedId());
})();
