package io.redactd.daemon.integrity;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The auditor's side of the forward-secure key: starts from {@code K[0]} and evolves forward to whatever index a
 * checkpoint names (restarting from {@code K[0]} if asked for an earlier one, e.g. for a second stream).
 */
final class VerifyKeys {
    private final byte[] k0;
    private final byte[] publicKey;
    private byte[] current;
    private long index;

    /** @param k0 {@code K[0]}, or null when MACs cannot be checked; @param publicKey raw Ed25519 key or null */
    VerifyKeys(byte[] k0, byte[] publicKey) {
        this.k0 = k0 == null ? null : k0.clone();
        this.publicKey = publicKey == null ? null : publicKey.clone();
        this.current = this.k0 == null ? null : this.k0.clone();
    }

    boolean hasMacKey() {
        return k0 != null;
    }

    boolean hasPublicKey() {
        return publicKey != null;
    }

    boolean macValid(Checkpoint cp) {
        byte[] claimed;
        try {
            claimed = Hex.decode(cp.mac(), 32, "checkpoint mac");
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(SealingKey.hmac(keyAt(cp.keyIndex()), cp.message()), claimed);
    }

    boolean signatureValid(Checkpoint cp) {
        if (cp.sig() == null) {
            return false;
        }
        byte[] sig;
        try {
            sig = Hex.decode(cp.sig(), 64, "checkpoint sig");
        } catch (IllegalArgumentException e) {
            return false;
        }
        return SealingKey.verifySignature(publicKey, cp.message(), sig);
    }

    private byte[] keyAt(long i) {
        if (i < index) {
            Arrays.fill(current, (byte) 0);
            current = k0.clone();
            index = 0;
        }
        while (index < i) {
            byte[] next = SealingKey.next(current);
            Arrays.fill(current, (byte) 0);
            current = next;
            index++;
        }
        return current;
    }
}
