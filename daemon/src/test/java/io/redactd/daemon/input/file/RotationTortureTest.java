package io.redactd.daemon.input.file;

import io.redactd.daemon.pipeline.RawEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 200,000 numbered lines written while the file is rotated by rename every 20,000 lines (generations shifted, so
 * renamed files keep moving) and once by copytruncate, and the input is killed twice without a stop (no final
 * commit, acknowledgements in flight lost) and started again on the same state. Every line must arrive at least once;
 * duplicates are only what was in flight at a kill.
 */
class RotationTortureTest {

    private static final int TOTAL = 200_000;
    private static final int BATCH = 500;
    private static final int IN_FLIGHT = 4;

    @TempDir
    Path dir;
    @TempDir
    Path state;

    @Test
    void everyLineSurvivesRenamesACopytruncateAndTwoKills() throws Exception {
        FileInputConfig config = FileInputConfig.of("torture", List.of(dir + "/*.log"))
                .withTimings(50, 200, 500).withBatching(BATCH, 1 << 20, IN_FLIGHT);
        RotatingLogWriter writer = new RotatingLogWriter(dir, "app.log", TOTAL, 20_000, 100_000, 40_000);
        List<InputHarness> runs = new ArrayList<>();

        // Run 1 has a slow pipeline, so it lags behind the writer: at the kill, rotated files are unfinished.
        runs.add(new InputHarness(config, state, CollectingSink.delayed(100)));
        writer.start();
        Await.until("writer past the rotation at 60,000", Duration.ofSeconds(30), () -> writer.written() >= 60_050);
        runs.get(0).kill();

        runs.add(new InputHarness(config, state, new CollectingSink(false)));
        Await.until("writer past the rotation at 140,000", Duration.ofSeconds(30), () -> writer.written() >= 140_050);
        runs.get(1).kill();

        InputHarness last = new InputHarness(config, state, new CollectingSink(false));
        runs.add(last);
        writer.await(60, TimeUnit.SECONDS);
        try {
            Await.until("every line delivered", Duration.ofSeconds(60), () -> missing(runs).isEmpty());
        } catch (AssertionError e) {
            throw new AssertionError("missing (first 20): " + missing(runs), e);
        }
        last.stop();

        List<Integer> missing = missing(runs);
        assertThat(missing).as("lines never delivered").isEmpty();
        int delivered = 0;
        int malformed = 0;
        for (InputHarness run : runs) {
            for (RawEvent e : run.sink.events()) {
                delivered++;
                if (RotatingLogWriter.number(new String(e.message(), StandardCharsets.US_ASCII)) < 0) {
                    malformed++;
                }
            }
        }
        int duplicates = delivered - malformed - TOTAL;
        System.out.printf("rotation torture: %d rotations, %d events delivered, %d duplicates, %d malformed, "
                        + "files recovered after kill 1: %.0f, truncations seen: %.0f, copies found: %.0f%n",
                writer.rotations(), delivered, duplicates, malformed, runs.get(1).count("redactd.file.recovered"),
                runs.get(1).count("redactd.file.truncations"), runs.get(1).count("redactd.file.truncations.copy.found"));
        assertThat(writer.rotations()).isEqualTo(9);
        assertThat(malformed).as("events that are not whole lines").isZero();
        // At a kill, at most the batches in flight (plus those acknowledged while the checkpoint was being written)
        // of each file open then come again: a few files, a few batches each.
        assertThat(duplicates).isLessThanOrEqualTo(2 * 3 * (IN_FLIGHT + 1) * BATCH);
        assertThat(runs.get(1).count("redactd.file.recovered"))
                .as("rotated files left unfinished by kill 1 found again by inode").isGreaterThanOrEqualTo(1);
        assertThat(runs.get(1).count("redactd.file.truncations")).isEqualTo(1);
        assertThat(runs.get(1).count("redactd.file.truncations.copy.found")).isEqualTo(1);
    }

    private static List<Integer> missing(List<InputHarness> runs) {
        BitSet seen = new BitSet(TOTAL);
        for (InputHarness run : runs) {
            for (RawEvent e : run.sink.events()) {
                int n = RotatingLogWriter.number(new String(e.message(), StandardCharsets.US_ASCII));
                if (n >= 0) {
                    seen.set(n);
                }
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i = seen.nextClearBit(0); i < TOTAL && out.size() < 20; i = seen.nextClearBit(i + 1)) {
            out.add(i);
        }
        return out;
    }
}
