#!/usr/bin/env bash
# Builds Headroom Lab as a static web page into web/dist/: index.html, the .wasm and its
# JavaScript glue, nothing else. Copy that folder onto any static web server and open it.
#
# Installs what it lacks: the wasm32 target (rustup) and wasm-bindgen-cli at exactly the
# version of wasm-bindgen in Cargo.lock (cargo install --locked). Uses wasm-opt (Debian's
# binaryen) to shrink the .wasm when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$version" ]; then
  echo "installing wasm-bindgen-cli $version" >&2
  # Its own lock file first; if the registry lacks one of the versions it names, the newest
  # compatible ones.
  cargo install --locked wasm-bindgen-cli --version "$version" || cargo install wasm-bindgen-cli --version "$version"
fi

cargo build --locked --profile web --target wasm32-unknown-unknown --bin headroom-lab

dist=web/dist
rm -rf "$dist"
mkdir -p "$dist"
wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/web/headroom-lab.wasm"
# wasm-opt -Os runs on rustc's output, before wasm-bindgen: Debian bookworm's binaryen (108)
# breaks the externref table wasm-bindgen adds (the page then fails at start), and -Oz
# removes function-table entries wasm-bindgen still needs.
if command -v wasm-opt >/dev/null 2>&1; then
  wasm-opt -Os --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$wasm" -o "$CARGO_TARGET_DIR/wasm32-unknown-unknown/web/headroom-lab.opt.wasm"
  wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/web/headroom-lab.opt.wasm"
else
  echo "wasm-opt not found (Debian: apt-get install binaryen): the .wasm is not shrunk" >&2
fi
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
  --out-dir "$dist" --out-name headroom-lab "$wasm"
cp web/index.html "$dist/"

wasm="$dist/headroom-lab_bg.wasm"
gz=$(gzip -9 -c "$wasm" | wc -c)
br=$(if command -v brotli >/dev/null 2>&1; then brotli -c -q 11 "$wasm" | wc -c; else echo "?"; fi)
echo "web/dist: $(du -sb "$dist" | cut -f1) bytes; .wasm $(stat -c %s "$wasm") bytes, gzip -9 $gz, brotli $br" >&2
echo "serve it with: python3 -m http.server -d $dist 8000   (then open http://localhost:8000)" >&2
