#!/usr/bin/env bash
# Syslog over TLS -> file only (the last part of run.sh): redactd vs syslog-ng 3.38, same sender, alternating.
#   benchmarks/peers/tls-run.sh   BENCH_TLS_MB (default 50), BENCH_TLS_REPEATS (default 3), BENCH_TLS_WARMUP_MB
#   (default 5, 0 = none), BENCH_TLS_SENDER (s_client or loggen; see tls.sh)
# Results: benchmarks/results/tls.csv, tls-correctness.csv, tls-machine.txt (run.sh's other results are untouched).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../e2e/lib.sh
source "$HERE/../e2e/lib.sh"
# shellcheck source=syslog-ng.sh
source "$HERE/syslog-ng.sh"
# shellcheck source=tls.sh
source "$HERE/tls.sh"

mkdir -p "$BENCH_RESULTS"
build_jars
fetch_syslog_ng
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "openssl: $(openssl version)"
  echo "syslog-ng: $(syslog_ng_version)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$BENCH_RESULTS/tls-machine.txt"
run_tls_rounds "${BENCH_TLS_MB:-50}" "${BENCH_TLS_REPEATS:-3}" SSN,CREDIT_CARD,EMAIL,PHONE,IPV4 "$HERE/patterns.tsv"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$BENCH_RESULTS/tls-machine.txt"
