/* Python for the live exercises of one book page, in a Web Worker (so the page never freezes).
 * A module worker: Pyodide (from 0.28) no longer starts in classic workers.
 *
 * Started by skischool-live.js with this page's settings after "#":
 *   skischool-live-worker.js#{"live": ".../live/", "pyodide": ".../live/static/pyodide/",
 *                             "root": "../../"}
 * Everything comes from the site itself: Pyodide's own files, a snapshot of Python's memory and
 * the engine's wheel. Nothing is fetched from anywhere else; the engine needs no other package.
 *
 * Messages in:  {id, op: "open", key, url, page} | {id, op: "check", key, answer}
 *               | {id, op: "preview", key, text} | {id, op: "model", key, attempts, passed}
 * Messages out: {op: "step", step: "python" | "engine" | "ready", ms}
 *               | {op: "failed", error}          (Python could not start)
 *               | {id, ok: true, value} | {id, ok: false, error}
 */
var config = JSON.parse(decodeURIComponent(self.location.hash.slice(1) || "{}"));
var t0 = Date.now();
var ready = null; // Promise of the Python session

var timings = {}; // milliseconds since the worker started, per step: for the benchmark

function step(name) {
  timings[name] = Date.now() - t0;
  self.postMessage({ op: "step", step: name, ms: timings[name], timings: timings });
}

/* Python starts from a snapshot of its memory, made when the site was built.
 *
 * Starting Python (loadPyodide) takes 3 to 5 s on a 2-core machine, nearly all of it Python's
 * own start-up in WebAssembly, on every page. scripts/live_snapshot.mjs runs that start-up once,
 * at build time, imports the engine and builds its concept lexicon, and saves Python's memory;
 * restoring it takes under a second. live/engine.json names the snapshot and the engine's wheel
 * by their content hashes, so the two always belong to the same build, and a browser may keep
 * both. Pyodide marks the snapshot API experimental: if a restore fails, or the snapshot was made
 * for another Pyodide, this is an ordinary start (timings.snapshot says which one happened).
 */
async function fetchOk(url, options) {
  var response = await fetch(url, options);
  if (!response.ok) throw new Error(url + " answered " + response.status);
  return response;
}

async function fetchBytes(url) {
  return new Uint8Array(await (await fetchOk(url)).arrayBuffer());
}

async function fetchGunzipped(url) {
  var response = await fetchOk(url);
  var plain = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(plain).arrayBuffer());
}

async function start() {
  step("python");
  // "no-cache": asked again each time (a 304 when unchanged), so a rebuilt site is never stale.
  var engine = await (await fetchOk(config.live + "engine.json", { cache: "no-cache" })).json();
  var wheelFetched = fetchBytes(config.live + engine.wheel); // meanwhile
  var snapshot =
    engine.snapshot && self.DecompressionStream ? fetchGunzipped(config.live + engine.snapshot) : null;
  if (snapshot) snapshot.catch(function () {}); // a failed fetch means an ordinary start, below
  var module = await import(config.pyodide + "pyodide.mjs");
  timings.imported = Date.now() - t0;
  var options = { indexURL: config.pyodide, packages: [] }; // nothing beyond the core files
  var pyodide = null;
  if (snapshot && engine.pyodide === module.version) {
    try {
      pyodide = await module.loadPyodide(Object.assign({ _loadSnapshot: snapshot }, options));
      timings.snapshot = true;
    } catch (e) {
      pyodide = null;
      timings.snapshotError = String((e && e.message) || e).slice(0, 200);
    }
  }
  if (!pyodide) pyodide = await module.loadPyodide(options);
  step("engine");
  // A snapshot holds Python's memory, not its files: the engine's files are unpacked each time.
  pyodide.unpackArchive(await wheelFetched, "wheel");
  timings.unpacked = Date.now() - t0;
  pyodide.globals.set("_root", config.root || "");
  pyodide.runPython("from skischool.live.page import Session\nsession = Session(_root)\ndel _root");
  var session = pyodide.globals.get("session");
  step("ready");
  return session;
}

ready = start();
ready.catch(function (error) {
  self.postMessage({ op: "failed", error: String((error && error.message) || error) });
});

async function handle(message) {
  var session = await ready;
  switch (message.op) {
    case "open": {
      var response = await fetch(message.url, { cache: "no-cache" });
      if (!response.ok) throw new Error("rubric " + message.key + " answered " + response.status);
      return JSON.parse(session.open(message.key, await response.text(), String(message.page || "")));
    }
    case "check":
      return JSON.parse(session.check(message.key, message.answer));
    case "preview":
      return JSON.parse(session.preview(message.key, message.text));
    case "model":
      // What the page's store knows; the engine decides whether the model reply is earned.
      return JSON.parse(session.model(message.key, Number(message.attempts) || 0, message.passed === true));
    default:
      throw new Error("unknown request " + message.op);
  }
}

self.onmessage = function (event) {
  var message = event.data || {};
  handle(message).then(
    function (value) {
      self.postMessage({ id: message.id, ok: true, value: value });
    },
    function (error) {
      self.postMessage({ id: message.id, ok: false, error: String((error && error.message) || error) });
    }
  );
};
