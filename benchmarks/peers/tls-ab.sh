#!/usr/bin/env bash
# Syslog over TLS -> file, redactd only, two jars side by side: A (BENCH_JAR_A) and B (BENCH_JAR_B) alternately,
# who goes first swapping every round, on the same corpus, sender and machine minutes.
#   BENCH_JAR_A, BENCH_JAR_B   the two redactd.jar files (e.g. a copy of main's and the branch's)
#   BENCH_TLS_MB (50), BENCH_TLS_REPEATS (3), BENCH_TLS_WARMUP_MB (5, 0 = none)
#   BENCH_TLS_TYPES            5 (the peers' five types on the peer5 corpus, default) or all (whole catalog, full corpus)
#   BENCH_TLS_CONNS (1), BENCH_TLS_FRAMING (newline | octet): see tls.sh
#   BENCH_REDACTD_EXTRA_CONFIG e.g. 'integrity: {enabled: false}'
#   BENCH_OPTS_A, BENCH_OPTS_B JVM options for A or B only (REDACTD_JAVA_OPTS applies to both)
#   BENCH_CONFIG_A, BENCH_CONFIG_B YAML appended for A or B only (instead of BENCH_REDACTD_EXTRA_CONFIG)
# One CSV row per run on stdout and in $BENCH_WORK/tls-ab.csv; per-thread CPU of each run in
# $BENCH_WORK/run/<label>/threads.txt, copied to $BENCH_WORK/tls-ab-threads/<round>-<jar>.txt.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../e2e/lib.sh
source "$HERE/../e2e/lib.sh"
# shellcheck source=syslog-ng.sh
source "$HERE/syslog-ng.sh"
# shellcheck source=tls.sh
source "$HERE/tls.sh"

[ -f "${BENCH_JAR_A:-}" ] && [ -f "${BENCH_JAR_B:-}" ] || die "set BENCH_JAR_A and BENCH_JAR_B to two redactd jars"
[ -f "$BENCH_JAR" ] || die "$BENCH_JAR missing (it generates the corpus): ./mvnw -B -o -q -pl benchmarks -am -DskipTests package"
mb="${BENCH_TLS_MB:-50}"
case "${BENCH_TLS_TYPES:-5}" in
  5) variant=peer5; types=SSN,CREDIT_CARD,EMAIL,PHONE,IPV4 ;;
  all) variant=full; types=all ;;
  *) die "BENCH_TLS_TYPES must be 5 or all" ;;
esac
corpus="$(ensure_corpus "$variant" "$mb")"
TLS_WARMUP=""
if [ "${BENCH_TLS_WARMUP_MB:-5}" != 0 ]; then TLS_WARMUP="$(ensure_corpus "$variant" "${BENCH_TLS_WARMUP_MB:-5}")"; fi
dir="$BENCH_WORK/tls-$variant-$mb"
tls_setup "$dir" "$corpus" "$TLS_WARMUP"
csv="$BENCH_WORK/tls-ab.csv"
mkdir -p "$BENCH_WORK/tls-ab-threads"
[ -s "$csv" ] || echo "round,jar,$CSV_HEADER,types,conns,framing,extra" >"$csv"
for round in $(seq 1 "${BENCH_TLS_REPEATS:-3}"); do
  order="A B"; [ $(( round % 2 )) = 0 ] && order="B A"
  for which in $order; do
    jar="BENCH_JAR_$which"; jar="${!jar}"
    log "round $round: $which ($jar), load $(cut -d' ' -f1-3 /proc/loadavg)"
    opts="BENCH_OPTS_$which"; opts="${!opts:-}"
    extra="BENCH_CONFIG_$which"; extra="${!extra:-${BENCH_REDACTD_EXTRA_CONFIG:-}}"
    row="$(REDACTD_JAR="$jar" REDACTD_JAVA_OPTS="${REDACTD_JAVA_OPTS:-} $opts" BENCH_REDACTD_EXTRA_CONFIG="$extra" run_tls "tls-ab-$which" redactd "$corpus" "$dir" "$types")" \
      || { log "round $round: $which failed"; continue; }
    out="$(cat "$BENCH_WORK/run/tls-ab-$which/output-path")"
    # the daemon's own count: the file output rotates, and the oldest rotated files of a long run are gone
    got="$(awk '$1 == "redactd_output_events_total{output=\"file\"}" { printf "%d", $2 }' \
      "$BENCH_WORK/run/tls-ab-$which/metrics.txt")"
    want="$(truth_field "$corpus/truth.json" lines)"
    if [ -n "$TLS_WARMUP" ]; then want=$(( want + $(truth_field "$TLS_WARMUP/truth.json" lines) )); fi
    [ "$got" = "$want" ] || log "round $round: $which wrote $got lines, expected $want"
    cp "$BENCH_WORK/run/tls-ab-$which/threads.txt" "$BENCH_WORK/tls-ab-threads/$round-$which.txt"
    cp "$BENCH_WORK/run/tls-ab-$which/threads-raw.txt" "$BENCH_WORK/tls-ab-threads/$round-$which-raw.txt" 2>/dev/null || true
    echo "$round,$which,$row,${BENCH_TLS_TYPES:-5},${BENCH_TLS_CONNS:-1},$(tls_framing),\"$extra\"" | tee -a "$csv"
    head -8 "$BENCH_WORK/run/tls-ab-$which/threads.txt" | sed 's/^/    /' >&2
    rm -f "$out" "$out".*
  done
done
