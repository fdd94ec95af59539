// Python's memory, ready to use, for the live exercises' Web Worker (scripts/build_live.py runs this).
//
//   node scripts/live_snapshot.mjs <pyodide folder> <engine wheel> <output file>
//
// Why: starting Python in the browser (loadPyodide) takes 3 to 5 s on a 2-core machine, nearly
// all of it Python's own start-up running in WebAssembly. Restoring a snapshot of Python's
// memory, taken here once the engine is imported and its concept lexicon built, takes under a
// second. The snapshot holds no learner data (none exists yet) and no files: the worker still
// unpacks the same wheel. Pyodide marks the snapshot API experimental, so the worker falls back
// to an ordinary start if a restore fails, and tests/test_live_browser.py checks both paths.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, wheelPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error("usage: node scripts/live_snapshot.mjs <pyodide folder> <engine wheel> <output file>");
  process.exit(2);
}
const WARM_UP = "import skischool.live.page, skischool.concepts\nskischool.concepts.lexicon()";

const { loadPyodide, version } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: pyodideDir.endsWith("/") ? pyodideDir : pyodideDir + "/",
  packages: [],
  _makeSnapshot: true,
});
pyodide.unpackArchive(new Uint8Array(fs.readFileSync(wheelPath)), "wheel");
pyodide.runPython(WARM_UP);
const snapshot = pyodide.makeMemorySnapshot();

// Restore it once here, as the browser will: a snapshot larger than the memory a new Pyodide
// starts with fails to restore ("offset is out of bounds"), and the pages would then quietly
// take the slow start. Better that the build says so.
const restored = await loadPyodide({
  indexURL: pyodideDir.endsWith("/") ? pyodideDir : pyodideDir + "/",
  packages: [],
  _loadSnapshot: snapshot,
});
restored.unpackArchive(new Uint8Array(fs.readFileSync(wheelPath)), "wheel");
restored.runPython("from skischool.live.page import Session\nSession()");
fs.writeFileSync(outPath, snapshot);
console.log(JSON.stringify({ pyodide: version, bytes: snapshot.length }));
