#!/usr/bin/env bash
# File -> OpenSearch throughput of the buffered Elasticsearch output vs curl's bulk ceiling on the same node.
# Usage: benchmarks/opensearch-throughput.sh [documents] [batch]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q ${MVN_OFFLINE:-} -pl benchmarks,it-opensearch -am -DskipTests package
work=$(mktemp -d)
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
transport_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java -Xms512m -Xmx512m -XX:+UseSerialGC -cp "it-opensearch/target/classes:$(cat it-opensearch/target/opensearch.classpath)" \
  io.redactd.itopensearch.OpenSearchLauncher "$work/node" "$http_port" "$transport_port" > "$work/opensearch.log" 2>&1 &
node=$!
trap 'kill $node 2>/dev/null; wait $node 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$http_port/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null && break
  sleep 0.5
done
java -Xmx512m -cp benchmarks/target/benchmarks.jar io.redactd.benchmarks.outputs.OpenSearchThroughput \
  "http://127.0.0.1:$http_port" "$work/run" "${REDACTD_CORPUS:-/work/shared/corpus/loghub}" "${1:-200000}" "${2:-5000}"
