#!/usr/bin/env bash
# Renders the site's home page (with a search done by its script), a record
# page and the network page in headless Chromium, and fails when a page is
# blank, lacks its heading, or logs a script error. Screenshots are kept in
# target/browser/ for a person to look at.
#
#   tests/browser.sh [TECHPACT_BINARY]      (default: target/release/techpact)
set -euo pipefail
cd "$(dirname "$0")/.."
techpact=${1:-target/release/techpact}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "browser test: no chromium on PATH; install the Debian package chromium" >&2
  exit 1
fi
out=target/browser
rm -rf "$out"
mkdir -p "$out"
"$techpact" site --out "$out/site" --quiet
site=$(cd "$out/site" && pwd)

record=$(ls "$site/organizations" | grep '\.html$' | grep -v '^index.html$' | head -n 1)
failed=0
# page, file name, text the rendered page must hold
check() {
  local url=$1 name=$2 expect=$3
  local flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
    --disable-extensions --user-data-dir="$out/profile" --window-size=1280,1600)
  if ! timeout 120 "$browser" "${flags[@]}" --enable-logging=stderr --v=0 \
      --dump-dom "$url" >"$out/$name.html" 2>"$out/$name.log"; then
    echo "browser test: $name: chromium failed" >&2; cat "$out/$name.log" >&2; failed=1; return
  fi
  timeout 120 "$browser" "${flags[@]}" --screenshot="$out/$name.png" "$url" >/dev/null 2>&1 || true
  if grep -E 'Uncaught|SyntaxError|TypeError|ReferenceError|ERR_FILE_NOT_FOUND|Failed to load' "$out/$name.log" >&2; then
    echo "browser test: $name: the page logged an error" >&2; failed=1
  fi
  if ! grep -q -- "$expect" "$out/$name.html"; then
    echo "browser test: $name: the rendered page lacks: $expect" >&2; failed=1
  fi
  local size
  size=$(stat -c %s "$out/$name.png" 2>/dev/null || echo 0)
  # A blank 1280×1600 page compresses to a few kilobytes.
  if [ "$size" -lt 20000 ]; then
    echo "browser test: $name: the screenshot is blank or missing ($size bytes)" >&2; failed=1
  fi
  echo "browser test: $name: ok ($out/$name.png, $size bytes)"
}
check "file://$site/index.html?q=telecom" home '<ul id="results" aria-live="polite"><li><a href='
check "file://$site/organizations/$record" record '<svg class="network"'
check "file://$site/network.html" network '<h1>The partnership network</h1>'
exit $failed
