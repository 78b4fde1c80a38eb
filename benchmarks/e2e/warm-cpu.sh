#!/usr/bin/env bash
# CPU seconds of one daemon run, file -> file, after a warm-up corpus (JIT mostly outside the window), with CPU per thread.
# usage: benchmarks/e2e/warm-cpu.sh JAR LABEL TYPES(all|none) CHAIN(on|off) [extra java opts]
# Corpora: $CORPUS (default $BENCH_WORK/corpus/full-100, measured) and $WARM_CORPUS (default full-20, warm-up), made by
# lib.sh ensure_corpus.
# JAR: an absolute path. Appends to $BENCH_WORK/warm-cpu.csv: label,types,chain,seconds,cpu_s,user_s,sys_s,jit_s,gc_s,
# app_cpu_s (cpu minus JIT and GC threads),load1_before,load1_after; CPU per thread name in $BENCH_WORK/LABEL.threads.
set -euo pipefail
export BENCH_WORK="${BENCH_WORK:-/tmp/redactd-bench}"
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
JAR="$1"; LABEL="$2"; TYPES="$3"; CHAIN="$4"; EXTRA="${5:-}"
export REDACTD_JAR="$JAR"
source benchmarks/e2e/lib.sh
CORPUS="${CORPUS:-$BENCH_WORK/corpus/full-100}"
CFG="$BENCH_WORK/cfg/$LABEL.yaml"; mkdir -p "$BENCH_WORK/cfg"
redactd_config "$CFG" "$TYPES" ""
if [ "$CHAIN" = off ]; then printf '\nintegrity: {enabled: false}\n' >>"$CFG"; fi
run="$BENCH_WORK/run/$LABEL"; rm -rf "$run"; mkdir -p "$run/in" "$run/state"
if [ "$CHAIN" = on ]; then java -jar "$JAR" keygen --state-dir "$run/state" >/dev/null 2>&1; fi
port="$(free_port)"; lines="$(truth_field "$CORPUS/truth.json" lines)"
load0="$(cut -d' ' -f1 /proc/loadavg)"
env REDACTD_INPUT="$run/in/*.log" REDACTD_OUTPUT="$run/out.ndjson" REDACTD_STATE="$run/state" REDACTD_ADMIN_PORT="$port" \
  REDACTD_JAR="$JAR" REDACTD_JAVA_OPTS="$EXTRA" sh "$REDACTD_LAUNCHER" run --config "$CFG" >"$run/daemon.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do kill -0 $pid; sleep 0.1; done
if [ "${WARM:-1}" = 1 ]; then
  WC="${WARM_CORPUS:-$BENCH_WORK/corpus/full-20}"; wl="$(truth_field "$WC/truth.json" lines)"
  ln "$WC/corpus.log" "$run/in/warm.log"
  while :; do n="$(metric_sum "http://127.0.0.1:$port/metrics" redactd_output_events_total || true)"; [ "${n:-0}" -ge "$wl" ] && break; kill -0 $pid; sleep 0.2; done
  lines=$((lines + wl))
fi
tstat() { for t in /proc/$pid/task/*; do n="$(cat $t/comm 2>/dev/null | tr ' ' '_')"; s="$(sed 's/^.*) //' $t/stat 2>/dev/null)"; echo "$n $s"; done | awk '{print $1, $13, $14}'; }
tstat > "$run/threads0"
read -r u0 s0 < <(sed 's/^.*) //' /proc/$pid/stat | awk '{print $12, $13}')
ln "$CORPUS/corpus.log" "$run/in/corpus.log"
t1="$(now_s)"
while :; do
  n="$(metric_sum "http://127.0.0.1:$port/metrics" redactd_output_events_total || true)"
  [ "${n:-0}" -ge "$lines" ] && break
  kill -0 "$pid"; sleep 0.2
done
t2="$(now_s)"
read -r u1 s1 < <(sed 's/^.*) //' /proc/$pid/stat | awk '{print $12, $13}')
tstat > "$run/threads1"
load1="$(cut -d' ' -f1 /proc/loadavg)"
curl -sf "http://127.0.0.1:$port/metrics" > "$run/metrics.txt" || true
kill -TERM $pid; wait $pid || true
# per-thread CPU (threads grouped by name with digits stripped), seconds, over the run
awk -v t="$CLK_TCK" 'NR==FNR { a[$1]+= $2+$3; next } { b[$1]+=$2+$3 } END { for (k in b) { d=(b[k]-a[k])/t; g=k; gsub(/[0-9]+/,"N",g); c[g]+=d } for (g in c) if (c[g] > 0.05) printf "%7.2f %s\n", c[g], g }' "$run/threads0" "$run/threads1" | sort -rn > "$BENCH_WORK/$LABEL.threads"
jit="$(awk '/CompilerThre/ { s += $1 } END { printf "%.2f", s }' "$BENCH_WORK/$LABEL.threads")"
gc="$(awk '/GC_Thread|G1_|VM_Thread/ { s += $1 } END { printf "%.2f", s }' "$BENCH_WORK/$LABEL.threads")"
python3 -c "import sys; l,ty,ch,t1,t2,u0,s0,u1,s1,tk,la,lb,jit,gc=sys.argv[1:]; tk=float(tk); u=(int(u1)-int(u0))/tk; s=(int(s1)-int(s0))/tk; print(f'{l},{ty},{ch},{float(t2)-float(t1):.1f},{u+s:.2f},{u:.2f},{s:.2f},{jit},{gc},{u+s-float(jit)-float(gc):.2f},{la},{lb}')" \
  "$LABEL" "$TYPES" "$CHAIN" "$t1" "$t2" "$u0" "$s0" "$u1" "$s1" "$CLK_TCK" "$load0" "$load1" "$jit" "$gc" | tee -a "$BENCH_WORK/warm-cpu.csv"
if [ "${KEEP:-0}" != 1 ]; then rm -f "$run/out.ndjson"*; fi
