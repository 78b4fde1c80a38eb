package io.redactd.daemon.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code verify --es} pages past the 10,000-hit window with search_after under a point in time, in both dialects. */
class SearchIndexVerifyTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    @TempDir
    static Path dir;
    private static List<String> events;
    private static Path keyFile;

    @BeforeAll
    static void chain() throws Exception {
        Path state = dir.resolve("state");
        StringWriter keygen = new StringWriter();
        new CommandLine(new KeygenCommand()).setOut(new PrintWriter(keygen)).execute("--state-dir", state.toString());
        keyFile = dir.resolve("auditor.key");
        Files.write(keyFile, keygen.toString().lines().filter(l -> l.startsWith("verification-key=")).toList());
        Path out = dir.resolve("out.ndjson");
        try (EcsEventWriter w = new EcsEventWriter(HashChain.open(state, "web-01",
                new CheckpointPolicy(1_000, 3_600_000), 1_795_000_000_000L), out, 1_795_000_000_000L)) {
            w.write(10_500, 500);
            w.seal();
        }
        events = Files.readAllLines(out);
    }

    private static String run(SearchApiStandIn node, int expectedExit) {
        StringWriter sw = new StringWriter();
        int rc = new CommandLine(new VerifyCommand()).setOut(new PrintWriter(sw)).setErr(new PrintWriter(sw))
                .execute("--es", node.url(), "--index", "logs", "--key-file", keyFile.toString(), "--no-progress");
        assertThat(rc).as(sw.toString()).isEqualTo(expectedExit);
        return sw.toString();
    }

    @Test
    void openSearchPointInTimeReadsEveryPage() throws Exception {
        try (SearchApiStandIn node = new SearchApiStandIn(true, events)) {
            String out = run(node, 0);
            assertThat(events.size()).as("past the 10,000-hit window").isBetween(10_001, 14_999);
            assertThat(out).contains(String.format(java.util.Locale.ROOT, "read %,d events", events.size()))
                    .contains("RESULT: INTACT");
            assertThat(node.searches.get()).isEqualTo(3); // 5,000 + 5,000 + the rest
            assertThat(node.pitsClosed.get()).isEqualTo(1);
        }
    }

    @Test
    void elasticsearchDialectFindsAModifiedDocument() throws Exception {
        List<String> tampered = new ArrayList<>(events);
        ObjectNode d = (ObjectNode) MAPPER.readTree(tampered.get(10_200));
        long seq = d.at("/chain/seq").asLong();
        d.put("message", d.get("message").asText().replace("200", "500"));
        tampered.set(10_200, MAPPER.writeValueAsString(d));
        try (SearchApiStandIn node = new SearchApiStandIn(false, tampered)) {
            assertThat(run(node, 1)).contains("TAMPERED: modified at seq " + seq);
            assertThat(node.pitsClosed.get()).isEqualTo(1);
        }
    }

    @Test
    void failedShardsAreAnErrorNotAGap() throws Exception {
        try (SearchApiStandIn node = new SearchApiStandIn(true, events)) {
            node.failShards = true;
            assertThat(run(node, 2)).contains("failed on 1 shard(s)");
        }
    }

    /** D9: where the mapping cannot be read, a sort that comes back as strings (lexical) stops, never TAMPERED. */
    @Test
    void aStringSortWithoutAReadableMappingIsRefusedNotReportedAsMovedEvents() throws Exception {
        try (SearchApiStandIn node = new SearchApiStandIn(true, events)) {
            node.keywordSeq = true;
            String out = run(node, VerifyCommand.INDEX_NOT_SORTABLE);
            assertThat(out).contains("chain.seq sorts as a string (mapped as keyword?) and its mapping could not be "
                    + "read").contains("map chain.seq as long").doesNotContain("TAMPERED").doesNotContain("RESULT");
            assertThat(node.pitsClosed.get()).isEqualTo(1);
        }
    }
}
