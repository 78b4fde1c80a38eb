package io.redactd.daemon.integrity;

import io.redactd.daemon.StateDirLock;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code redactd keygen}: creates the first checkpoint key K[0] in state_dir and prints the verification key once, for
 * the auditor to keep off this host (as {@code journalctl --setup-keys} does).
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Create the forward-secure checkpoint key in the state directory and print the verification "
                + "key, once. Keep it off this host: it verifies (and could forge) checkpoints."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:key created", "2:usage error, a key already exists, or the key could not be written"})
public final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--state-dir", required = true, paramLabel = "DIR",
            description = "the daemon's state_dir (the key goes to DIR/integrity/seal.key, mode 0600)")
    Path stateDir;

    @Option(names = "--ed25519", description = "also create an Ed25519 key pair: checkpoints are then signed too, and "
            + "anyone with the public key can check them")
    boolean ed25519;

    @Option(names = "--force", description = "replace an existing key; the chain head is removed too, so the next start "
            + "begins a new stream with a visible chain_restart event. Stop the daemon first.")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (stateDir.toString().isBlank()) {
            err.println("redactd keygen: --state-dir is empty; give the daemon's state_dir");
            return 2;
        }
        SealingKey key = SealingKey.generate(ed25519);
        try {
            Path keyFile = SealingKey.file(stateDir);
            // A running daemon reads the key at start only: a new key would be ignored until a restart, and with
            // --force overwritten by the daemon's own evolved one at its next checkpoint. Only a lock file a daemon
            // made can be held; keygen never creates one (run as root it would leave a root-owned file the daemon's
            // own user could not open).
            try (StateDirLock lock = Files.isDirectory(stateDir) ? StateDirLock.tryAcquireExisting(stateDir) : null) {
                if (lock == StateDirLock.HELD) {
                    err.println("redactd keygen: a daemon is running on " + stateDir + " ("
                            + StateDirLock.holder(stateDir) + "); stop it first, then " + (force ? "replace" : "create")
                            + " the key");
                    return 2;
                }
                if (force) {
                    Files.deleteIfExists(new ChainHeadStore(stateDir).headFile());
                    key.save(stateDir);
                } else {
                    key.create(stateDir);
                }
            }
            String owner = giveToStateDirOwner(keyFile);
            out.println("Sealing key created: " + keyFile + " (mode 0600" + owner + ")");
            out.println();
            out.println("Verification key: keep it OFF this host (an auditor's vault or password manager).");
            out.println("It is printed only now. It verifies every checkpoint MAC, and could forge them, so it must");
            out.println("not stay where an intruder could read it. The daemon keeps only the current key, which it");
            out.println("evolves and erases at each checkpoint. Save the next line(s) to a file for");
            out.println("`redactd verify --key-file FILE`:");
            out.println();
            out.println(VerificationKeyFile.KEY + "=" + key.keyHex());
            key.publicKeyHex().ifPresent(p -> out.println(VerificationKeyFile.PUBLIC + "=" + p));
            out.flush();
            return 0;
        } catch (FileAlreadyExistsException e) {
            err.println("redactd keygen: a sealing key already exists at " + SealingKey.file(stateDir)
                    + "; use --force to replace it (this starts a new chain stream)");
            return 2;
        } catch (IOException e) {
            // The reason matters (permission denied, read-only file system, no such directory), not the class.
            err.println("redactd keygen: cannot write the key under " + stateDir + ": " + e.getMessage()
                    + (e instanceof java.nio.file.AccessDeniedException ? " (permission denied)"
                    : e instanceof java.nio.file.NoSuchFileException ? " (no such directory)" : ""));
            return 2;
        }
    }

    /**
     * Run as root (as `sudo redactd keygen` is), the key would be root's, and the daemon, which runs as the state
     * directory's owner (the unit's User=redactd), could neither read nor evolve it. Returns ", owner X" when the
     * key and its directory were handed over, "" otherwise.
     */
    private String giveToStateDirOwner(Path keyFile) {
        try {
            java.nio.file.attribute.UserPrincipal owner = Files.getOwner(stateDir);
            if (owner.equals(Files.getOwner(keyFile))) {
                return "";
            }
            Files.setOwner(keyFile.getParent(), owner);
            Files.setOwner(keyFile, owner);
            return ", owner " + owner.getName();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            spec.commandLine().getErr().println("redactd keygen: warning: " + keyFile + " is not owned by the owner of "
                    + stateDir + " (" + e.getClass().getSimpleName() + "); the daemon must be able to read and replace it");
            return "";
        }
    }
}
