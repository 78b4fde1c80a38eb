package io.redactd.daemon;

import io.redactd.daemon.config.ComponentRegistry;
import io.redactd.daemon.config.ConfigLoader;
import io.redactd.daemon.config.RedactdConfig;
import io.redactd.daemon.input.file.Await;
import io.redactd.detectors.DetectionPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The daemon in-process with real files (file input, buffer, file output, chain): /readyz while state writes fail,
 * and a state dir removed under it (bb8-scale F6).
 */
class StateDirLossTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Daemon start() throws Exception {
        Files.createDirectories(dir.resolve("in"));
        ConfigLoader.Result r = new ConfigLoader(ComponentRegistry.builtIn(), Map.of()).load("""
                state_dir: %s
                inputs:
                  - {id: app, type: file, paths: ["%s/in/*.log"], checkpoint_interval_ms: 0}
                outputs:
                  - {id: out, type: file, path: %s}
                admin:
                  enabled: false
                """.formatted(dir.resolve("state"), dir, dir.resolve("out.ndjson")));
        assertThat(r.problems()).isEmpty();
        RedactdConfig config = r.config();
        return Daemon.start(config, DetectionPlan.compile(config.detection()));
    }

    private void write(String... lines) throws Exception {
        Files.writeString(dir.resolve("in/a.log"), String.join("\n", lines) + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private long delivered(String marker) throws Exception {
        Path out = dir.resolve("out.ndjson");
        if (!Files.exists(out)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(out)) {
            return lines.filter(l -> l.contains(marker)).count();
        }
    }

    private static void until(String what, BooleanSupplier condition) {
        Await.until(what, WAIT, condition);
    }

    private static void until(String what, BooleanSupplier condition, java.util.function.Supplier<Object> state) {
        Await.until(what, WAIT, condition, state);
    }

    private static BooleanSupplier unchecked(java.util.concurrent.Callable<Boolean> c) {
        return () -> {
            try {
                return c.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Test
    void stateWritesThatFailMakeItNotReadyUntilTheyWorkAgain() throws Exception {
        Daemon daemon = start();
        try {
            write("first line");
            until("the first line delivered", unchecked(() -> delivered("first line") == 1));
            until("ready", () -> daemon.notReady().isEmpty());
            Path state = dir.resolve("state");
            // Unwritable state, as root too (a read-only mount needs root; chmod does not stop root): the checkpoint's
            // rename target becomes a directory, the cursor and chain-head directories become files.
            while (!Files.isDirectory(state.resolve("file-app.json"))) {
                try { // a checkpoint write may put the file back in between: again
                    Files.deleteIfExists(state.resolve("file-app.json"));
                    Files.createDirectories(state.resolve("file-app.json/x"));
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // the input wrote its checkpoint between the two calls
                }
            }
            Path cursors = state.resolve("buffer/cursors");
            Path integrity = state.resolve("integrity");
            Path aside = dir.resolve("aside");
            Files.createDirectories(aside);
            Files.move(cursors, aside.resolve("cursors"));
            Files.move(integrity, aside.resolve("integrity"));
            Files.writeString(cursors, "not a directory");
            Files.writeString(integrity, "not a directory");
            write("second line");
            until("not ready naming each failing state write", () -> {
                String all = String.join(", ", daemon.notReady());
                return all.contains("file checkpoints cannot be written since")
                        && all.contains("integrity chain head cannot be committed since")
                        && all.contains("output out cannot commit its buffer position since");
            });
            // put it right: everything works again and readiness comes back by itself
            Files.delete(cursors);
            Files.delete(integrity);
            Files.move(aside.resolve("cursors"), cursors);
            Files.move(aside.resolve("integrity"), integrity);
            Files.delete(state.resolve("file-app.json/x"));
            Files.delete(state.resolve("file-app.json"));
            write("third line");
            until("ready again", () -> daemon.notReady().isEmpty(), daemon::notReady);
            assertThat(delivered("second line")).isEqualTo(1);
            assertThat(delivered("third line")).isEqualTo(1);
        } finally {
            daemon.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void aRemovedStateDirStopsForwardingKeepsASecondDaemonOutAndAsksToExitOnceDelivered() throws Exception {
        Daemon daemon = start();
        try {
            write("before removal");
            until("delivered", unchecked(() -> delivered("before removal") == 1));
            Path state = dir.resolve("state");
            deleteTree(state);
            daemon.checkState();
            assertThat(String.join(", ", daemon.notReady())).contains("state_dir lost since")
                    .contains("redactd.lock was removed");
            // the path is locked again: a second daemon on this state dir is refused
            assertThat(StateDirLock.tryAcquire(state)).isNull();
            // fail closed: input read from now on is not acknowledged, nor delivered
            write("after removal");
            String reason = daemon.exitRequested().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(reason).contains("state_dir lost");
            assertThat(delivered("after removal")).isZero();
        } finally {
            daemon.stop(Duration.ofSeconds(10));
        }
    }

    /** rm -rf, as the cleanup job did; again while the daemon's own writes race it, until the lock file is gone. */
    private static void deleteTree(Path root) throws Exception {
        while (Files.exists(root.resolve(StateDirLock.FILE))) {
            new ProcessBuilder("rm", "-rf", root.toString()).inheritIO().start().waitFor();
        }
    }
}
