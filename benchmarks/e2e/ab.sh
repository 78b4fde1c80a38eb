#!/usr/bin/env bash
# File -> file, two redactd jars side by side: A (BENCH_JAR_A) and B (BENCH_JAR_B) alternately, who goes first
# swapping every round, on the same corpus and machine minutes (this VM's disk slows down under sustained writes, so
# only runs of the same minutes compare).
#   BENCH_JAR_A, BENCH_JAR_B   two redactd.jar files (e.g. a copy of a release's and of main's)
#   BENCH_MB (500), BENCH_REPEATS (3), BENCH_CHAIN (on | off; on: config-examples/file-to-file.yaml unchanged, with a
#   key from `redactd keygen` in each fresh state dir, as chain-onoff.sh)
# One CSV row per run on stdout and in $BENCH_RESULTS/e2e-ab.csv.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

[ -f "${BENCH_JAR_A:-}" ] && [ -f "${BENCH_JAR_B:-}" ] || die "set BENCH_JAR_A and BENCH_JAR_B to two redactd jars"
[ -f "$BENCH_JAR" ] || die "$BENCH_JAR missing (it generates the corpus): ./mvnw -B -q -pl benchmarks -am -DskipTests package"
MB="${BENCH_MB:-500}"
CHAIN="${BENCH_CHAIN:-on}"
mkdir -p "$BENCH_WORK/cfg" "$BENCH_RESULTS"
CORPUS="$(ensure_corpus full "$MB")"
CONFIG="$BENCH_ROOT/config-examples/file-to-file.yaml"
if [ "$CHAIN" = off ]; then
  CONFIG="$BENCH_WORK/cfg/ab-chain-off.yaml"
  chain_off_config "$CONFIG"
fi

CSV="$BENCH_RESULTS/e2e-ab.csv"
echo "round,jar,chain,$CSV_HEADER" >"$CSV"
for round in $(seq 1 "${BENCH_REPEATS:-3}"); do
  order="A B"; [ $(( round % 2 )) = 0 ] && order="B A"
  for which in $order; do
    jar="$BENCH_JAR_A"; [ "$which" = B ] && jar="$BENCH_JAR_B"
    log "round $round: $which ($jar), $MB MB, chain $CHAIN, load $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "$CHAIN" = on ]; then
      row="$(REDACTD_JAR="$jar" BENCH_PRE_START=keygen_state_dir run_redactd "ab-$which" "$CONFIG" "$CORPUS")"
    else
      row="$(REDACTD_JAR="$jar" run_redactd "ab-$which" "$CONFIG" "$CORPUS")"
    fi
    echo "$round,$which,$CHAIN,$row" | tee -a "$CSV"
    cleanup_output "ab-$which"
  done
done
