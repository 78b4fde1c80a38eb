#!/usr/bin/env bash
# Cost of the integrity hash chain, file -> file:
#   benchmarks/e2e/chain-onoff.sh
# Runs config-examples/file-to-file.yaml (integrity on by default; a checkpoint key is created with
# `redactd keygen --state-dir` in each fresh state dir, so HMAC-sealed checkpoints are included) and a copy with
# `integrity: {enabled: false}` appended, alternating ON/OFF, BENCH_REPEATS pairs (default 3) on the BENCH_MB
# (default 200) full-catalog corpus. Each row records the 1-min load average before the run and `uptime`.
# Result: benchmarks/results/chain-onoff.csv.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

MB="${BENCH_MB:-200}"
REPEATS="${BENCH_REPEATS:-3}"
mkdir -p "$BENCH_WORK/cfg" "$BENCH_RESULTS"
build_jars
CORPUS="$(ensure_corpus full "$MB")"
ON_CONFIG="$BENCH_ROOT/config-examples/file-to-file.yaml"
OFF_CONFIG="$BENCH_WORK/cfg/chain-off.yaml"
chain_off_config "$OFF_CONFIG"


CSV="$BENCH_RESULTS/chain-onoff.csv"
echo "pair,chain,$CSV_HEADER,uptime" >"$CSV"
for pair in $(seq 1 "$REPEATS"); do
  for chain in on off; do
    up="$(uptime | sed 's/^ *//; s/,/;/g')"
    log "pair $pair: chain $chain, $MB MB ($up)"
    if [ "$chain" = on ]; then
      row="$(BENCH_PRE_START=keygen_state_dir run_redactd chain-on "$ON_CONFIG" "$CORPUS")"
      grep -q '"checkpoint"\|checkpoint' "$(cat "$BENCH_WORK/run/chain-on/output-path")" \
        || log "warning: no checkpoint record found in the ON output"
    else
      row="$(run_redactd chain-off "$OFF_CONFIG" "$CORPUS")"
    fi
    echo "$pair,$chain,$row,$up" | tee -a "$CSV" >&2
    cleanup_output "chain-$chain"
  done
done
