#!/usr/bin/env bash
# Copy the front-end files the book serves itself (no CDN) from node_modules/ into book/_vendor/.
#
#   book/_vendor/html-manager/  embed-amd.js + its font files   (@jupyter-widgets/html-manager)
#   book/_vendor/requirejs/     require.js                      (requirejs)
#   book/_vendor/mathjax/       tex-mml-chtml.js + the components and fonts it loads (mathjax@3, es5/)
#
# _config.yml adds book/_vendor to html_static_path, so these end up in _build/html/_static/.
# The folder is deliberately not called `_static`: Jupyter Book 1.x adds every .js/.css under a
# source `_static/` folder to *every* page, which would load the 4 MB widget bundle twice and in the
# wrong order. book/_vendor/ is generated (see .gitignore); `npm ci` must have run first.
# Idempotent: does nothing when package-lock.json and this script are unchanged since the last copy.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

DEST="book/_vendor"
STAMP="$DEST/.stamp"
want="$(hash_files package-lock.json scripts/vendor.sh)"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  log "vendor: $DEST is up to date"
  exit 0
fi

HM="node_modules/@jupyter-widgets/html-manager"
RJ="node_modules/requirejs"
MJ="node_modules/mathjax"
for f in "$HM/dist/embed-amd.js" "$RJ/require.js" "$MJ/es5/tex-mml-chtml.js"; do
  [[ -f "$f" ]] || die "vendor: $f is missing; run 'npm ci' first (scripts/setup.sh does)."
done

log "vendor: copying widget manager, RequireJS and MathJax into $DEST"
tmp="$(mktemp -d "$ROOT/book/.vendor.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# --- @jupyter-widgets/html-manager ---------------------------------------------------------
mkdir -p "$tmp/html-manager"
# Font 404 fix. Two AMD modules in embed-amd.js (@jupyter-widgets/html-manager and
# .../dist/libembed-amd) compute the URL of their Font Awesome files from their RequireJS module
# URI, which RequireJS derives from the *page* URL (<page dir>/@jupyter-widgets/html-manager/dist/
# <hash>.woff2: 404). window.__jupyter_widgets_assets_path__ is honoured only after the CSS is
# already built, so it is not enough. We prepend a few lines that map both module ids, through
# requirejs.config({paths}), to the folder this script is served from, where the fonts are copied.
cat >"$tmp/html-manager/embed-amd.js" <<'JS'
/* Added by Social Media Ski School (scripts/vendor.sh): load the widget fonts from next to this
   script instead of from <page dir>/@jupyter-widgets/html-manager/dist/ (which does not exist). */
(function () {
  var here = new URL("./", document.currentScript.src).href; // ends with "/"
  window.__jupyter_widgets_assets_path__ = window.__jupyter_widgets_assets_path__ || here;
  // module URI <here>html-manager.js and <here>libembed-amd.js: both resolve assets to <here>
  window.requirejs.config({
    paths: {
      "@jupyter-widgets/html-manager": here + "html-manager",
      "@jupyter-widgets/html-manager/dist": here.replace(/\/$/, ""),
    },
  });
})();
JS
cat "$HM/dist/embed-amd.js" >>"$tmp/html-manager/embed-amd.js"
cp "$HM"/dist/*.{woff2,woff,ttf,eot,svg} "$tmp/html-manager/"
cp "$HM/LICENSE" "$tmp/html-manager/LICENSE"

# --- requirejs -------------------------------------------------------------------------------
mkdir -p "$tmp/requirejs"
cp "$RJ/require.js" "$tmp/requirejs/require.js"  # its licence is in the file header

# --- mathjax@3 (es5 build) ---------------------------------------------------------------------
# The combined file Sphinx uses by default (tex-mml-chtml.js) plus the components it may load on
# demand (TeX extensions, menu, accessibility, speech) and the CHTML fonts. MathJax finds them
# relative to its own script URL. The other combined bundles and the SVG output are not copied.
mkdir -p "$tmp/mathjax/output"
cp "$MJ/es5/tex-mml-chtml.js" "$tmp/mathjax/"
cp -r "$MJ/es5/input" "$MJ/es5/a11y" "$MJ/es5/ui" "$MJ/es5/adaptors" "$MJ/es5/sre" "$tmp/mathjax/"
cp -r "$MJ/es5/output/chtml" "$MJ/es5/output/chtml.js" "$tmp/mathjax/output/"
cp "$MJ/LICENSE" "$tmp/mathjax/LICENSE"

echo "$want" > "$tmp/.stamp"
rm -rf "$DEST"
mv "$tmp" "$DEST"
trap - EXIT
log "vendor: done ($(du -sh "$DEST" | cut -f1))"
