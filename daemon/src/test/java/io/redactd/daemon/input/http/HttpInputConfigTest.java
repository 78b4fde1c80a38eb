package io.redactd.daemon.input.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.redactd.daemon.config.ComponentRegistry;
import io.redactd.daemon.config.ConfigLoader;
import io.redactd.daemon.config.Problem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code max_request_memory_bytes}: bound from the YAML, and an unusable value named with its path and line. */
class HttpInputConfigTest {
    private static ConfigLoader.Result load(String memory) {
        return new ConfigLoader(ComponentRegistry.builtIn(), Map.of()).load("""
                inputs:
                  - type: http
                    insecure: true
                    tokens: [{source: a, sha256: "%s"}]
                    max_body_bytes: 1048576
                    max_decompressed_bytes: 4194304
                    max_request_memory_bytes: %s
                outputs: [{type: stdout}]
                """.formatted("0".repeat(64), memory));
    }

    private static List<String> problems(String memory) {
        return load(memory).problems().stream().map(Problem::toString).toList();
    }

    @Test
    void theMemoryBudgetMustHoldTheLargestRequestAndLeaveTheHeapRoom() {
        assertThat(load("8388608").problems()).isEmpty();
        assertThat(problems("2097152")).containsExactly("inputs[0].max_request_memory_bytes: must be at least "
                + "max_body_bytes and max_decompressed_bytes (4194304), or a request within those limits could never be "
                + "accepted; got 2097152 (line 7)");
        long heap = Runtime.getRuntime().maxMemory();
        assertThat(problems(Long.toString(heap))).singleElement().asString()
                .startsWith("inputs[0].max_request_memory_bytes: must leave the rest of the daemon room: at most 90% "
                        + "of the max heap (" + heap / 10 * 9 + " of " + heap + " bytes, -Xmx)")
                .endsWith("(line 7)");
    }

    @Test
    void withoutItTheBudgetIsAQuarterOfTheHeap() {
        HttpInputConfig config = new HttpInputConfig(null, null, true, List.of(), null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
        assertThat(config.maxRequestMemoryBytes()).isNull();
        assertThat(ByteBudget.heapDefault().limit()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
        assertThat(ByteBudget.heapDefault()).isSameAs(ByteBudget.heapDefault());
    }
}
