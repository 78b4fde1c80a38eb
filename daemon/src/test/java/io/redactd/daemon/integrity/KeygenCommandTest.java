package io.redactd.daemon.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeygenCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out) {
    }

    private Run keygen(String... args) {
        StringWriter sw = new StringWriter();
        int rc = new CommandLine(new KeygenCommand()).setOut(new PrintWriter(sw)).setErr(new PrintWriter(sw))
                .execute(args);
        return new Run(rc, sw.toString());
    }

    @Test
    void printsTheVerificationKeyOnceAndStoresItOwnerOnly() throws Exception {
        Run r = keygen("--state-dir", dir.toString(), "--ed25519");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("verification-key=[0-9a-f]{64}\n")
                .containsPattern("ed25519-public-key=[0-9a-f]{64}\n").contains("OFF this host");
        String k0 = r.out().lines().filter(l -> l.startsWith("verification-key=")).findFirst().orElseThrow()
                .substring("verification-key=".length());
        SealingKey stored = SealingKey.load(dir).orElseThrow();
        assertThat(stored.keyHex()).isEqualTo(k0);
        assertThat(stored.index()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(SealingKey.file(dir))))
                .isEqualTo("rw-------");
    }

    @Test
    void refusesToReplaceAKeyUnlessForcedAndForcingStartsAVisibleNewStream() throws Exception {
        assertThat(keygen("--state-dir", dir.toString()).exit()).isZero();
        HashChain chain = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, 1_795_000_000_000L);
        CanonicalWriter w = new CanonicalWriter(64).raw("{\"chain\":{");
        int at = w.size();
        chain.writeSeqAndStream(w).raw("}}");
        chain.link(w.array(), 0, w.size(), at);
        chain.commit();

        Run again = keygen("--state-dir", dir.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.out()).contains("already exists").contains("--force");

        assertThat(keygen("--state-dir", dir.toString(), "--force").exit()).isZero();
        HashChain after = HashChain.open(dir, "web-01", CheckpointPolicy.DEFAULT, 1_795_000_100_000L);
        byte[] restart = after.pollControlEvent(1_795_000_100_000L);
        assertThat(new ObjectMapper().readTree(restart).at("/chain_restart/previous_stream").asText())
                .isEqualTo(chain.stream());
    }

    @Test
    void forcingANewKeyUnderARunningDaemonIsRefused() throws Exception {
        assertThat(keygen("--state-dir", dir.toString()).exit()).isZero();
        String before = Files.readString(SealingKey.file(dir));
        try (var held = io.redactd.daemon.StateDirLock.tryAcquire(dir)) {
            assertThat(held).isNotNull();
            Run r = keygen("--state-dir", dir.toString(), "--force");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.out()).contains("a daemon is running on").contains("pid " + ProcessHandle.current().pid())
                    .doesNotContain("verification-key=");
            assertThat(Files.readString(SealingKey.file(dir))).isEqualTo(before);
            Path fresh = Files.createDirectories(dir.resolve("fresh"));
            try (var other = io.redactd.daemon.StateDirLock.tryAcquire(fresh)) {
                Run first = keygen("--state-dir", fresh.toString());
                assertThat(first.exit()).as("a first key under a running daemon would be ignored until a restart")
                        .isEqualTo(2);
                assertThat(first.out()).contains("stop it first, then create the key");
            }
        }
        assertThat(keygen("--state-dir", dir.toString(), "--force").exit()).isZero();
        assertThat(keygen("--state-dir", "").exit()).isEqualTo(2);
    }

    @Test
    void theKeyBelongsToTheStateDirsOwnerTheDaemonsUser() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        boolean root = "root".equals(System.getProperty("user.name"));
        var daemonUser = root ? state.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody")
                : Files.getOwner(state);
        // As `sudo redactd keygen` on a state dir the packaged unit's user owns (run as root in CI: the hand-over
        // happens; as another user the key is simply that user's).
        Files.setOwner(state, daemonUser);
        Run r = keygen("--state-dir", state.toString());
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(Files.getOwner(SealingKey.file(state))).isEqualTo(daemonUser);
        assertThat(Files.getOwner(SealingKey.file(state).getParent())).isEqualTo(daemonUser);
        if (root) {
            assertThat(r.out()).contains("owner nobody");
        }
    }

    @Test
    void aStateDirThatCannotBeWrittenIsAnIoError() throws Exception {
        Path file = dir.resolve("not-a-dir");
        Files.writeString(file, "x");
        Run r = keygen("--state-dir", file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("cannot write the key");
    }
}
