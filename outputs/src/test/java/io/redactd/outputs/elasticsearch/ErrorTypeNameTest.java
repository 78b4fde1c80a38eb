package io.redactd.outputs.elasticsearch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Error types go into log lines and metrics: only names that look like one pass (bb7 re-test N2). */
class ErrorTypeNameTest {

    @Test
    void aTypeThatIsNotANameIsNotShown() {
        assertThat(BulkResponse.errorTypeName("mapper_parsing_exception")).isEqualTo("mapper_parsing_exception");
        assertThat(BulkResponse.errorTypeName("es_rejected_execution_exception")).isEqualTo("es_rejected_execution_exception");
        assertThat(BulkResponse.errorTypeName("x\n2026-12-07 INFO forged")).isEqualTo("unrecognized");
        assertThat(BulkResponse.errorTypeName("jane@example.com")).isEqualTo("unrecognized");
        assertThat(BulkResponse.errorTypeName(null)).isEqualTo("unrecognized");
        assertThat(BulkResponse.errorTypeName("a".repeat(81))).isEqualTo("unrecognized");
    }
}
