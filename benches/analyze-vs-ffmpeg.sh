#!/usr/bin/env bash
# Times `headroom-lab analyze` against ffmpeg's EBU R128 meter with true peak
# (`ffmpeg -af ebur128=peak=true`) on the same generated files: 60 s of stereo 24-bit and
# 1 hour of stereo 16-bit at 48 kHz (the clean-mix scene's master). The runs alternate
# (analyze, ffmpeg, cat) so that a busy machine slows both alike; the script prints the
# medians, the ratio, the peak resident memory of each, and the time of `cat FILE >/dev/null`
# with a warm page cache, the floor that reading the file sets.
#
# Usage: benches/analyze-vs-ffmpeg.sh [RUNS]   (default 5; needs ffmpeg, Debian's package)
set -euo pipefail
runs=${1:-5}
if ! command -v ffmpeg >/dev/null; then
    echo "ffmpeg not found: nothing to compare (apt-get install ffmpeg)"
    exit 0
fi
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build --release --locked --quiet --bin headroom-lab
bin=${CARGO_TARGET_DIR:-$root/target}/release/headroom-lab
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

scene=assets/demos/15-clean-mix.toml
"$bin" render --scene "$scene" --stage master --format 24 --seconds 60 --out "$dir/60s-24bit.wav"
# One hour: four minutes of the master, 15 times over (the 16 s band loops inside it anyway).
"$bin" render --scene "$scene" --stage master --format 16 --seconds 240 --out "$dir/4min.wav"
ffmpeg -loglevel error -stream_loop 14 -i "$dir/4min.wav" -c copy "$dir/1h-16bit.wav"
rm "$dir/4min.wav"

TIMEFORMAT=%3R
seconds() { { time "$@" >/dev/null 2>&1; } 2>&1; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
peak_mb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.0f", $1 / 1024 }'; }

for name in 60s-24bit 1h-16bit; do
    file=$dir/$name.wav
    cat "$file" >/dev/null
    : >"$dir/ours" && : >"$dir/ffmpeg" && : >"$dir/cat"
    for _ in $(seq "$runs"); do
        seconds "$bin" analyze "$file" --json >>"$dir/ours"
        seconds ffmpeg -nostats -hide_banner -i "$file" -af ebur128=peak=true -f null - >>"$dir/ffmpeg"
        seconds cat "$file" >>"$dir/cat"
    done
    ours=$(median <"$dir/ours")
    theirs=$(median <"$dir/ffmpeg")
    read_s=$(median <"$dir/cat")
    size_mb=$(du -m "$file" | cut -f1)
    ours_mb=$(peak_mb "$bin" analyze "$file" --json)
    theirs_mb=$(peak_mb ffmpeg -nostats -hide_banner -i "$file" -af ebur128=peak=true -f null -)
    awk -v n="$name" -v o="$ours" -v t="$theirs" -v c="$read_s" -v s="$size_mb" -v om="$ours_mb" -v tm="$theirs_mb" -v r="$runs" 'BEGIN {
        printf "%s (%d MB), median of %d runs:\n", n, s, r
        printf "  analyze %8.3f s  (peak RSS %s MB)\n", o, om
        printf "  ffmpeg  %8.3f s  (peak RSS %s MB)\n", t, tm
        printf "  ratio   %8.1fx faster than ffmpeg\n", t / o
        printf "  cat     %8.3f s  (warm page cache; analyze takes %.1fx the time of reading)\n", c, o / c
    }'
done
