# Sourced by scripts/bench.sh and scripts/startup-order.sh (with REL, OFFERS and WORK set):
# a data directory holding the generated catalogue, imported once, in $WORK/data, and a
# private X display (Xvfb; its pid in XVFB for the caller's clean-up).
"$REL/plads" generate-catalogue --offers "$OFFERS" --seed 42 > "$WORK/katalog.json"
mkdir -p "$WORK/data"
"$REL/plads" import-catalogue "$WORK/katalog.json" --db "$WORK/data/pladsoverblik.sqlite" >/dev/null

DISPLAY_NO=:$((70 + RANDOM % 20))
Xvfb "$DISPLAY_NO" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 & XVFB=$!
export DISPLAY=$DISPLAY_NO GSETTINGS_BACKEND=memory
sleep 0.5
