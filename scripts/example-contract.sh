#!/usr/bin/env bash
# Regenerates docs/example/: a private purchase as a caseworker makes it with `plads` on the
# bundled example catalogue — the public-first check with evidence for every public candidate
# (a confirmation of 0 free places for the first, rejections with reason and who decided for
# the rest), closed, a standard contract drafted from it with the terms the agreement leaves
# "ikke fastsat", issued and exported — then its pages as PNG (pdftoppm).
# Usage: scripts/example-contract.sh   (after `make build`; the day is fixed to 25.11.2026)
set -euo pipefail
cd "$(dirname "$0")/.."
plads=${PLADS:-target/debug/plads}
# The clock as well as "today" on 25.11.2026 (libfaketime), so the times recorded on the check
# match its dates; without faketime only the dates are fixed.
run=()
command -v faketime >/dev/null && run=(faketime "2026-11-25 10:15:00")
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
export PLADSOVERBLIK_DATA_DIR=$data PLADSOVERBLIK_TODAY=2026-11-25
json() { python3 -c "import json,sys; v=json.load(sys.stdin); print($1)"; }

"${run[@]}" "$plads" settings set user_name "Karen Jensen" >/dev/null
"${run[@]}" "$plads" settings set pl_rate_2027 2,9 >/dev/null
check=$("${run[@]}" "$plads" check new --json --reference "Sag 27.13.20-P20-1-26" --basis 108 \
  --target-group FN.P.PV.PER --age 30 --home Roskilde --start 01.12.2026)
id=$(echo "$check" | json 'v["id"]')
mapfile -t candidates < <(echo "$check" | json '"\n".join(c["offer_id"] for c in v["candidates"])')
first=1
for offer in "${candidates[@]}"; do
  if [ $first = 1 ]; then
    "${run[@]}" "$plads" check confirm "$id" --offer "$offer" --date 24.11.2026 --free 0 --method telefon \
      --contact "Hanne Holm, afdelingsleder" >/dev/null
    first=0
  else
    "${run[@]}" "$plads" check reject "$id" --offer "$offer" --reason afslaaet_af_tilbuddet \
      --note "Tilbuddet har afslået: kan ikke rumme borgerens behov for skærmet bolig nu." \
      --decided-by "Lone Leder, afdelingsleder" >/dev/null
  fi
done
"${run[@]}" "$plads" check shortlist "$id" --add SJ-1174 >/dev/null
"${run[@]}" "$plads" check close "$id" --conclusion privat_begrundet --offer SJ-1174 >/dev/null
contract=$("${run[@]}" "$plads" contract draft --check "$id" --json \
  --buyer-ean 5798000000001 --provider-ean 5790000000005 --provider-cvr 29403473 \
  --buyer-contact "Karen Jensen, Socialafdelingen, 4631 0000" \
  --citizen-name "Søren Ågård Østergård" --cpr 010196-1235 \
  --intervention "Længerevarende botilbud med døgndækning og støtte til struktur i hverdagen." \
  --goal "Mestre egen økonomi" --goal "Deltage i et dagtilbud tre dage om ugen" \
  --start 01.12.2026 --end 30.11.2027 --followup 01.03.2027 --followup 01.09.2027 \
  --notice-buyer "løbende måned + 1 måned" --notice-provider "løbende måned + 3 måneder" \
  --payment bagud --payment-days 30 --absence-days 14 --hospital-days 14 \
  --closure "Ved lukning varsles køber med leverandørens opsigelsesvarsel." \
  --addon "Ekstra nattevagt;2 timer pr. døgn à 225 kr.;450,00;dag")
number=$(echo "$contract" | json 'v["id"]')
"${run[@]}" "$plads" contract issue "$number" >/dev/null
rm -f docs/example/*.pdf docs/example/kontrakt-side-*.png
out=$("${run[@]}" "$plads" contract pdf "$number" --json --out "docs/example/tmp.pdf")
name=$(echo "$out" | json 'v["path"]')
final="docs/example/Kontrakt $number Botilbuddet Solsikken v1.pdf"
mv "$name" "$final"
pdftoppm -png -r 60 "$final" docs/example/kontrakt-side
ls -la docs/example
