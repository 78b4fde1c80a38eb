package io.redactd.daemon.integrity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The forward-secure checkpoint key (Schneier and Kelsey, "Secure audit logs to support computer forensics"):
 * checkpoint {@code i} is MAC'd with {@code K[i]}, then {@code K[i+1] = SHA-256("redactd-evolve" || K[i])} replaces it
 * and {@code K[i]} is zeroed. Whoever takes the host later holds only the current key, from which no earlier key can
 * be computed, so the checkpoints already written cannot be re-forged. The auditor keeps {@code K[0]} off-host and
 * derives every key from it.
 *
 * <p>The optional Ed25519 key is not forward-secure (a signature key cannot evolve this way); it lets anyone holding
 * the public key check that a checkpoint came from this daemon without being able to forge one.
 */
public final class SealingKey {
    /** File name inside {@code <state_dir>/integrity/}. */
    public static final String FILE = "seal.key";
    static final byte[] EVOLVE_LABEL = "redactd-evolve".getBytes(StandardCharsets.US_ASCII);
    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519; the raw 32-byte key follows it. */
    private static final byte[] ED25519_X509_PREFIX = Hex.decode("302a300506032b6570032100", 12, "prefix");

    private byte[] key;
    private long index;
    private final PrivateKey signingKey;
    private final byte[] publicKey;

    private SealingKey(byte[] key, long index, PrivateKey signingKey, byte[] publicKey) {
        this.key = key;
        this.index = index;
        this.signingKey = signingKey;
        this.publicKey = publicKey;
    }

    /** A fresh {@code K[0]} from the system's strong random source, plus an Ed25519 pair if asked. */
    public static SealingKey generate(boolean withEd25519) {
        byte[] k = new byte[32];
        try {
            SecureRandom.getInstanceStrong().nextBytes(k);
        } catch (GeneralSecurityException e) {
            new SecureRandom().nextBytes(k);
        }
        if (!withEd25519) {
            return new SealingKey(k, 0, null, null);
        }
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new SealingKey(k, 0, pair.getPrivate(), rawPublicKey(pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is built into Java 15+, yet unavailable", e);
        }
    }

    public static Path file(Path stateDir) {
        return stateDir.resolve("integrity").resolve(FILE);
    }

    /** Loads the key from state_dir, empty if there is none. */
    public static Optional<SealingKey> load(Path stateDir) throws IOException, CorruptStateException {
        Path f = file(stateDir);
        byte[] content;
        try {
            content = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String what = "sealing key file " + f;
        ObjectNode o = ChecksummedJson.decode(content, what);
        byte[] k;
        try {
            k = Hex.decode(ChecksummedJson.requireText(o, "key", what), 32, what + " key");
        } catch (IllegalArgumentException e) {
            throw new CorruptStateException(e.getMessage());
        }
        long index = ChecksummedJson.requireLong(o, "index", what);
        PrivateKey signing = null;
        byte[] pub = null;
        if (o.has("ed25519_pkcs8")) {
            try {
                byte[] der = Base64.getDecoder().decode(ChecksummedJson.requireText(o, "ed25519_pkcs8", what));
                signing = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
                pub = Hex.decode(ChecksummedJson.requireText(o, "ed25519_public", what), 32, what + " public key");
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new CorruptStateException(what + " holds an unreadable Ed25519 key");
            }
        }
        return Optional.of(new SealingKey(k, index, signing, pub));
    }

    /** Writes the current key atomically (0600), replacing the previous key file and with it the previous key. */
    public void save(Path stateDir) throws IOException {
        AtomicFiles.write(file(stateDir), encode());
    }

    /** Like {@link #save} but refuses to replace an existing key (keygen). */
    public void create(Path stateDir) throws IOException {
        AtomicFiles.create(file(stateDir), encode());
    }

    private byte[] encode() {
        ObjectNode o = ChecksummedJson.newObject();
        o.put("index", index);
        o.put("key", Hex.encode(key));
        if (signingKey != null) {
            o.put("ed25519_pkcs8", Base64.getEncoder().encodeToString(signingKey.getEncoded()));
            o.put("ed25519_public", Hex.encode(publicKey));
        }
        return ChecksummedJson.encode(o);
    }

    /** A copy to save from another thread while this one evolves on; {@link #erase} it once saved. */
    SealingKey copy() {
        return new SealingKey(key.clone(), index, signingKey, publicKey);
    }

    /** Zeroes this instance's key bytes (a saved or superseded {@link #copy}). */
    void erase() {
        Arrays.fill(key, (byte) 0);
    }

    /** The index {@code i} of the key that seals the next checkpoint. */
    public long index() {
        return index;
    }

    /** Hex of the current key; only meaningful at index 0, when keygen prints it for the auditor. */
    public String keyHex() {
        return Hex.encode(key);
    }

    /** Raw 32-byte Ed25519 public key as hex, empty if none. */
    public Optional<String> publicKeyHex() {
        return Optional.ofNullable(publicKey).map(Hex::encode);
    }

    /** MACs (and signs) {@code message} with {@code K[index]}, then evolves to the next key, zeroing this one. */
    public Seal seal(byte[] message) {
        long used = index;
        byte[] mac = hmac(key, message);
        byte[] sig = null;
        if (signingKey != null) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(signingKey);
                s.update(message);
                sig = s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Ed25519 signing failed", e);
            }
        }
        evolve();
        return new Seal(used, mac, sig);
    }

    /** Moves forward to {@code target} (never back: earlier keys are gone by design). */
    public void evolveTo(long target) {
        while (index < target) {
            evolve();
        }
    }

    private void evolve() {
        byte[] next = next(key);
        Arrays.fill(key, (byte) 0);
        key = next;
        index++;
    }

    /** {@code K[i+1] = SHA-256("redactd-evolve" || K[i])}. */
    public static byte[] next(byte[] k) {
        MessageDigest d = Sha256.newDigest();
        d.update(EVOLVE_LABEL);
        d.update(k);
        return d.digest();
    }

    public static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is in every Java runtime", e);
        }
    }

    /** Verifies an Ed25519 signature against a raw 32-byte public key. */
    public static boolean verifySignature(byte[] rawPublicKey, byte[] message, byte[] signature) {
        try {
            byte[] der = new byte[ED25519_X509_PREFIX.length + 32];
            System.arraycopy(ED25519_X509_PREFIX, 0, der, 0, ED25519_X509_PREFIX.length);
            System.arraycopy(rawPublicKey, 0, der, ED25519_X509_PREFIX.length, 32);
            PublicKey pk = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(pk);
            s.update(message);
            return s.verify(signature);
        } catch (InvalidKeyException | java.security.SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is built into Java 15+, yet unavailable", e);
        }
    }

    private static byte[] rawPublicKey(PublicKey pk) {
        byte[] der = pk.getEncoded();
        return Arrays.copyOfRange(der, der.length - 32, der.length);
    }

    /** What one checkpoint carries: the key index used, the MAC, and the signature (null without Ed25519). */
    public record Seal(long keyIndex, byte[] mac, byte[] signature) {
    }
}
