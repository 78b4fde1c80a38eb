package io.redactd.benchmarks.integrity;

import io.redactd.daemon.event.EventWriter;
import io.redactd.daemon.event.Utf8Text;
import io.redactd.daemon.integrity.CheckpointPolicy;
import io.redactd.daemon.integrity.HashChain;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pipeline's per-event work after detection, by thread CPU time (robust on a shared machine): building the
 * event's canonical JSON as {@code Pipeline.detect} does for a file-input event (same calls, same fields), then
 * linking it as {@code DeliveryStage} does. Messages are the first lines of a corpus file.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar io.redactd.benchmarks.integrity.EventBuildCpuTime CORPUS [lines]}.
 */
public final class EventBuildCpuTime {
    private EventBuildCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        int max = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        List<byte[]> lines = new ArrayList<>();
        try (var r = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            for (String l; lines.size() < max && (l = r.readLine()) != null; ) {
                lines.add(l.getBytes(StandardCharsets.UTF_8));
            }
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        EventWriter w = new EventWriter();
        String path = "/var/log/app/corpus.log";
        Path tmp = Files.createTempDirectory("redactd-event-build");
        int n = lines.size();
        for (int round = 0; round < 7; round++) {
            HashChain chain = HashChain.open(tmp.resolve("s" + round), "bench", CheckpointPolicy.DEFAULT, 0);
            byte[][] docs = new byte[n][];
            int[] chainAt = new int[n];
            long ts = 1_796_600_000_000L;
            long c0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                byte[] msg = lines.get(i);
                Map<String, Object> f = Map.of("log.file.path", path, "log.offset", (long) i * 184,
                        "event.dataset", "files");
                w.begin().core("@timestamp", w.timestamp(ts + i / 50)).core("host.name", "vm-host")
                        .core("message", Utf8Text.of(msg)).core("redactd.findings", Collections.emptySortedMap());
                for (Map.Entry<String, Object> e : f.entrySet()) {
                    w.field(e.getKey(), e.getValue());
                }
                if (!w.has("event.dataset")) {
                    w.field("event.dataset", "files");
                }
                docs[i] = w.finish();
                chainAt[i] = w.chainAt();
            }
            long c1 = mx.getCurrentThreadCpuTime();
            long sink = 0;
            for (int i = 0; i < n; i++) {
                sink += chain.append(docs[i], chainAt[i]).length;
            }
            long c2 = mx.getCurrentThreadCpuTime();
            System.out.printf(Locale.ROOT, "round %d: build %.0f ns/event CPU, link %.0f ns/event CPU (%d events) [%d]%n",
                    round, (c1 - c0) / (double) n, (c2 - c1) / (double) n, n, sink & 1);
        }
    }
}
