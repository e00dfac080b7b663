#!/usr/bin/env bash
# Takes a screenshot of the real Pladsoverblik window under Xvfb.
# Usage: scripts/screenshot.sh BINARY OUT.png [DATA_DIR]
set -euo pipefail
BIN=${1:?binary}; OUT=${2:?out.png}; DATA=${3:-$(mktemp -d)}
DISPLAY_NO=:$((90 + RANDOM % 9))
Xvfb "$DISPLAY_NO" -screen 0 1400x900x24 -nolisten tcp & XVFB=$!
export DISPLAY=$DISPLAY_NO GSETTINGS_BACKEND=memory PLADSOVERBLIK_DATA_DIR=$DATA
sleep 0.5
"$BIN" & APP=$!
trap 'kill $APP $XVFB 2>/dev/null || true' EXIT
WIN=$(timeout 30 xdotool search --sync --onlyvisible --name "Pladsoverblik" | head -1)
sleep ${SHOT_DELAY:-2}
if [ -n "${SHOT_KEYS:-}" ]; then
  xdotool windowfocus --sync "$WIN" || true
  for k in $SHOT_KEYS; do
    case "$k" in
      type:*) xdotool type --delay 30 "${k#type:}";;
      *) xdotool key "$k";;
    esac
    sleep 0.3
  done
  sleep 1
fi
/usr/bin/import -window "$WIN" "$OUT"
