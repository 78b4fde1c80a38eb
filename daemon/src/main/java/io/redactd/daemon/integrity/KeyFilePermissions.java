package io.redactd.daemon.integrity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * A key file other users can read: the daemon's sealing key (whoever reads it can forge checkpoints from then on) or
 * the auditor's verification key. Warned about, never refused: refusing would stop log shipping or an audit over a
 * mode bit, and the warning says how to fix it.
 */
final class KeyFilePermissions {
    private KeyFilePermissions() {
    }

    /** The warning for {@code file} if its group or others may read it; empty if not, or not a POSIX file system. */
    static Optional<String> warning(Path file, String what) {
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty(); // unreadable attributes are reported, if at all, by reading the file itself
        }
        if (!mode.contains(PosixFilePermission.OTHERS_READ) && !mode.contains(PosixFilePermission.GROUP_READ)) {
            return Optional.empty();
        }
        return Optional.of(what + " " + file + " is readable by other users (" + PosixFilePermissions.toString(mode)
                + "); fix it with: chmod 600 " + file);
    }
}
