package io.redactd.daemon.input.file;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileInputConfigTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    @Test
    void bindsSnakeCaseYamlAndFillsDefaults() throws Exception {
        FileInputConfig c = YAML.readValue("""
                id: pods
                paths: ["/var/log/pods/**/*.log"]
                exclude: ["*.gz"]
                start_at: end
                format: cri
                max_line_bytes: 1024
                multiline: java
                """, FileInputConfig.class);
        assertThat(c.validate()).isEmpty();
        assertThat(c.startAt()).isEqualTo(FileInputConfig.StartAt.END);
        assertThat(c.format()).isEqualTo(FileInputConfig.Format.CRI);
        assertThat(c.maxLineBytes()).isEqualTo(1024);
        assertThat(c.multiline().mode()).isEqualTo(FileInputConfig.MultilineMode.JAVA);
        assertThat(c.multiline().flushTimeoutMs()).isEqualTo(500);
        assertThat(c.pollIntervalMs()).isEqualTo(250);
        assertThat(c.maxBatchesInFlight()).isEqualTo(4);

        FileInputConfig d = YAML.readValue("""
                id: app
                paths: [/var/log/app.log]
                multiline: {mode: indented, max_lines: 20, flush_timeout_ms: 100}
                """, FileInputConfig.class);
        assertThat(d.multiline()).isEqualTo(new FileInputConfig.Multiline(FileInputConfig.MultilineMode.INDENTED, 20,
                null, 100));
        assertThat(d.startAt()).isEqualTo(FileInputConfig.StartAt.BEGINNING);
        assertThat(d.maxLineBytes()).isEqualTo(65536);
    }

    @Test
    void unknownKeysAreRefusedWithTheirName() {
        assertThatThrownBy(() -> YAML.readValue("id: a\npaths: [/x]\nmax_line_byte: 5\n", FileInputConfig.class))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("max_line_byte");
    }

    @Test
    void validateNamesTheKeyOfEveryProblem() throws Exception {
        FileInputConfig c = YAML.readValue("""
                id: ""
                paths: []
                exclude: ["[unclosed"]
                max_line_bytes: 0
                batch_max_events: 0
                multiline: {mode: java, max_lines: 1}
                """, FileInputConfig.class);
        assertThat(c.validate()).contains(
                "id: must not be empty",
                "paths: no file or glob given",
                "max_line_bytes: must be between 16 and 1048576, got 0",
                "batch_max_events: must be between 1 and 100000, got 0",
                "multiline.max_lines: must be between 2 and 100000, got 1");
        assertThat(c.validate()).anyMatch(p -> p.startsWith("exclude[0]: invalid glob '[unclosed'"));
        assertThat(FileInputConfig.of(null, List.of("/x/*.log")).validate()).as("id bound by the loader").isEmpty();
        assertThat(FileInputConfig.of("a", List.of("relative/*.log")).validate())
                .containsExactly("paths[0]: must be an absolute path or glob, got 'relative/*.log'");
    }

    @Test
    void bindsWithTheDaemonsConfigMapperSettings() throws Exception {
        // The daemon's ConfigBinder: snake_case naming, case-insensitive enums, unknown keys and null primitives fail.
        ObjectMapper daemonLike = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .propertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
                .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
        com.fasterxml.jackson.databind.JsonNode tree = YAML.readTree("""
                id: k8s
                paths: [/var/log/pods/**/*.log]
                start_at: END
                format: auto
                multiline: java
                rotate_wait_ms: 100
                """);
        FileInputConfig c = daemonLike.treeToValue(tree, FileInputConfig.class);
        assertThat(c.id()).isEqualTo("k8s");
        assertThat(c.startAt()).isEqualTo(FileInputConfig.StartAt.END);
        assertThat(c.format()).isEqualTo(FileInputConfig.Format.AUTO);
        assertThat(c.multiline().mode()).isEqualTo(FileInputConfig.MultilineMode.JAVA);
        assertThat(c.rotateWaitMs()).isEqualTo(100);
        assertThat(c.validate()).isEmpty();
        assertThatThrownBy(() -> daemonLike.treeToValue(YAML.readTree("paths: [/x]\nmultiline: sometimes\n"),
                FileInputConfig.class)).hasRootCauseMessage("unknown multiline mode (expected none, java or indented)");
    }
}
