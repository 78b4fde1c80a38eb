package io.redactd.daemon.integrity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hash chain over every event the daemon forwards.
 *
 * <h2>Definition</h2>
 * For the event with {@code chain.seq = n}:
 * <pre>
 *   chain.hash = lowercase-hex( SHA-256( ASCII(chain.prev) || C ) )
 * </pre>
 * where {@code chain.prev} is the 64-character lowercase hex {@code chain.hash} of event {@code n-1} (64 ASCII
 * zeros for {@code n = 1}) hashed as those 64 ASCII bytes, not as 32 raw bytes, and {@code C} is the RFC 8785
 * canonical UTF-8 JSON of the event without {@code chain.prev} and {@code chain.hash} (but with {@code chain.seq} and
 * {@code chain.stream}). The event as forwarded is {@code C} with {@code "hash":"..","prev":"..",} inserted at the
 * start of the {@code chain} object, which keeps it canonical ({@code hash < prev < seq < stream}).
 *
 * <h2>Producer use (one thread; see daemon/README.md "Integrity")</h2>
 * <pre>
 *   w.reset().raw("{\"@timestamp\":").string(ts).raw(",\"chain\":{");
 *   int at = w.size();
 *   chain.writeSeqAndStream(w);                  // "seq":N,"stream":"S"
 *   w.raw("},\"event\":{...}...}");              // the rest, canonical, keys sorted
 *   byte[] doc = chain.link(w.array(), 0, w.size(), at);
 * </pre>
 * Before and after each batch, and on a timer: {@code for (byte[] c; (c = chain.pollControlEvent(now)) != null;)}
 * forward {@code c} like an event. After the batch (with its control events) is durable in the disk buffer:
 * {@link #commit()}.
 *
 * <p>Not thread-safe: chaining is one ordered stage.
 */
public final class HashChain {
    public static final String GENESIS_PREV = "0".repeat(64);
    /** Bytes {@link #link} inserts: {@code "hash":"<64>","prev":"<64>",}. */
    public static final int SPLICE_LENGTH = 148;

    private static final Logger LOG = LoggerFactory.getLogger(HashChain.class);
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final byte[] HASH_KEY = "\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PREV_KEY = "\",\"prev\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ_KEY = "\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHAIN_OPEN = "\"chain\":{".getBytes(StandardCharsets.US_ASCII);

    private final Path stateDir;
    private final ChainHeadStore store;
    private final CheckpointPolicy policy;
    private final SealingKey key;
    private final String stream;
    private final byte[] streamMember; // ,"stream":"S"
    private final MessageDigest sha = Sha256.newDigest();
    private final byte[] digest = new byte[32];
    private final CanonicalWriter control = new CanonicalWriter(512);

    private long seq;
    private final byte[] prev = new byte[64];
    private long lastCheckpointSeq;
    private long lastCheckpointMs;
    private RestartReason pendingRestart;
    private final String previousStream;
    private ChainHead committed;
    private long committedKeyIndex;

    /** Why a chain began again: recorded in the chain_restart event. */
    public enum RestartReason {
        HEAD_MISSING("head_missing"), HEAD_CORRUPT("head_corrupt");

        private final String wire;

        RestartReason(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    private HashChain(Path stateDir, ChainHeadStore store, CheckpointPolicy policy, SealingKey key, ChainHead head,
                      RestartReason restart, String previousStream, long nowMs) {
        this.stateDir = stateDir;
        this.store = store;
        this.policy = policy;
        this.key = key;
        this.stream = head.stream();
        this.streamMember = new CanonicalWriter(64).raw(",\"stream\":").string(stream).toByteArray();
        this.seq = head.seq();
        System.arraycopy(head.hash().getBytes(StandardCharsets.US_ASCII), 0, prev, 0, 64);
        this.lastCheckpointSeq = head.lastCheckpointSeq();
        this.lastCheckpointMs = nowMs;
        this.pendingRestart = restart;
        this.previousStream = previousStream;
        this.committed = restart == null && head.seq() > 0 ? head : null;
        this.committedKeyIndex = key == null ? -1 : key.index();
    }

    /**
     * Opens the chain kept in {@code stateDir}: continues the stored head, or begins a stream. If the head is missing
     * or corrupt while earlier state exists, a new stream begins whose first event is a chain_restart
     * ({@link #pollControlEvent}) naming the reason and, if known, the previous stream; nothing is silently reset.
     *
     * @param streamName the daemon's chain name (host name by default); a new stream id is derived from it
     */
    public static HashChain open(Path stateDir, String streamName, CheckpointPolicy policy, long nowMs)
            throws IOException {
        ChainHeadStore store = new ChainHeadStore(stateDir);
        SealingKey key;
        try {
            key = SealingKey.load(stateDir).orElse(null);
        } catch (CorruptStateException e) {
            // Checkpoints cannot be sealed; refusing to start would stop log shipping, so run unsealed, loudly.
            LOG.error("integrity: {}; checkpoints are disabled until `redactd keygen` creates a new key",
                    e.getMessage());
            key = null;
        }
        if (key == null) {
            LOG.warn("integrity: no sealing key in {}; events are chained but not sealed (run `redactd keygen`)",
                    SealingKey.file(stateDir).getParent());
        }
        if (key != null) {
            // Whoever can read it can forge checkpoints from now on (not earlier ones): say so, keep running.
            KeyFilePermissions.warning(SealingKey.file(stateDir), "integrity: the sealing key file")
                    .ifPresent(LOG::warn);
        }
        Optional<ChainHead> head = Optional.empty();
        RestartReason restart = null;
        try {
            head = store.load();
            if (head.isEmpty() && (store.streamFileExists() || key != null && key.index() > 0)) {
                restart = RestartReason.HEAD_MISSING;
            }
        } catch (CorruptStateException e) {
            LOG.error("integrity: {}; a new stream begins with a chain_restart event", e.getMessage());
            restart = RestartReason.HEAD_CORRUPT;
        }
        if (head.isPresent()) {
            ChainHead h = head.get();
            if (key != null && key.index() < h.keyIndex()) {
                // The head was committed, the crash came before the key file was replaced: finish the evolution.
                key.evolveTo(h.keyIndex());
                key.save(stateDir);
            }
            return new HashChain(stateDir, store, policy, key, h, null, null, nowMs);
        }
        String previous = restart == null ? null : store.lastStream().orElse(null);
        ChainHead fresh = new ChainHead(StreamIds.create(streamName, nowMs), 0, GENESIS_PREV, 0,
                key == null ? 0 : key.index());
        store.saveStream(fresh.stream());
        if (restart != null) {
            LOG.warn("integrity: chain restarted ({}), new stream {}", restart.wire(), fresh.stream());
        } else {
            // A head at seq 0 from the start: a crash before the first commit then finds this stream's head and
            // recovers the events from the disk buffer, instead of taking the missing head for a lost one. (A
            // restarted stream gets none: its chain_restart event must not be skipped by a crash before it is sent.)
            store.save(fresh);
        }
        return new HashChain(stateDir, store, policy, key, fresh, restart, previous, nowMs);
    }

    public String stream() {
        return stream;
    }

    /** seq of the last linked event (0 before the first). */
    public long lastSeq() {
        return seq;
    }

    /** seq the next linked event must carry. */
    public long nextSeq() {
        return seq + 1;
    }

    /** chain.hash of the last linked event. */
    public String headHash() {
        return new String(prev, StandardCharsets.US_ASCII);
    }

    /** True when a sealing key is present, i.e. checkpoints are MAC'd. */
    public boolean sealing() {
        return key != null;
    }

    /** Writes {@code "seq":<nextSeq>,"stream":"<stream>"}, the chain object's members before linking. */
    public CanonicalWriter writeSeqAndStream(CanonicalWriter w) {
        w.raw(SEQ_KEY, 0, SEQ_KEY.length).number(nextSeq());
        return w.raw(streamMember, 0, streamMember.length);
    }

    /**
     * Links one event and returns it as forwarded.
     *
     * @param doc           canonical JSON of the event, without chain.prev/chain.hash
     * @param chainBodyAt   offset in {@code doc} just after {@code "chain":{}, where {@link #writeSeqAndStream}
     *                      wrote
     * @throws IllegalArgumentException if the chain members there are not this chain's next seq and stream
     */
    public byte[] link(byte[] doc, int off, int len, int chainBodyAt) {
        byte[] out = new byte[len + SPLICE_LENGTH];
        link(doc, off, len, chainBodyAt, out, 0);
        return out;
    }

    /** As {@link #link(byte[], int, int, int)}, writing {@code len + SPLICE_LENGTH} bytes into {@code dst}. */
    public int link(byte[] doc, int off, int len, int chainBodyAt, byte[] dst, int dstOff) {
        checkChainMembers(doc, off + len, chainBodyAt);
        if (pendingRestart != null) {
            throw new IllegalStateException("the chain_restart event must be forwarded first (pollControlEvent)");
        }
        int head = chainBodyAt - off;
        System.arraycopy(doc, off, dst, dstOff, head);
        int hashAt = writeSplice(dst, dstOff + head);
        System.arraycopy(doc, chainBodyAt, dst, dstOff + head + SPLICE_LENGTH, len - head);

        sha.update(prev, 0, 64);
        sha.update(doc, off, len);
        finishHash(dst, hashAt);
        seq++;
        return len + SPLICE_LENGTH;
    }

    /**
     * Links an event serialized without any {@code chain} member (the pipeline's canonical document): inserts
     * {@code "chain":{"hash":..,"prev":..,"seq":N,"stream":"S"}} at its sorted place among the top-level members and
     * returns the event as forwarded. Same hash as building it with {@link #writeSeqAndStream} and {@link #link}.
     *
     * @throws IllegalArgumentException if the document is not a JSON object or already has a top-level "chain"
     */
    public byte[] append(byte[] doc) {
        if (pendingRestart != null) {
            throw new IllegalStateException("the chain_restart event must be forwarded first (pollControlEvent)");
        }
        return append(doc, TopLevelMembers.insertionPoint(doc, "chain"));
    }

    /**
     * As {@link #append(byte[])} when the producer already knows where the chain member goes (the pipeline's
     * {@code EventWriter} does): one pass that writes the forwarded event into an array of its exact size and hashes
     * the same bytes around the splice, without an intermediate copy or a scan of the document.
     *
     * @param chainAt offset of the first top-level member that sorts after {@code "chain"} (its opening quote), or of
     *                the closing brace; a value that cannot be such an offset is found again by scanning, and a
     *                negative one means the document has a top-level {@code chain} member (refused)
     * @throws IllegalArgumentException if the document is not a JSON object or already has a top-level "chain"
     */
    public byte[] append(byte[] doc, int chainAt) {
        if (pendingRestart != null) {
            throw new IllegalStateException("the chain_restart event must be forwarded first (pollControlEvent)");
        }
        int n = doc.length;
        int at = chainAt;
        if (at <= 0 || at >= n || !(doc[at] == '"' && doc[at - 1] == ',' || doc[at] == '"' && at == 1
                || doc[at] == '}' && at == n - 1) || doc[0] != '{' || doc[n - 1] != '}') {
            at = TopLevelMembers.insertionPoint(doc, "chain"); // throws for a chain member or a non-object
        }
        boolean last = doc[at] == '}';
        boolean empty = last && doc[at - 1] == '{';
        long nextSeq = seq + 1;
        int digits = 1;
        for (long v = nextSeq; v >= 10; v /= 10) {
            digits++;
        }
        // doc[0, at) [","] "chain":{ "hash":"H","prev":"P", "seq":N ,"stream":"S" } [","] doc[at, n)
        int comma = empty ? 0 : 1;
        int outLen = n + comma + CHAIN_OPEN.length + SPLICE_LENGTH + SEQ_KEY.length + digits + streamMember.length + 1;
        byte[] out = new byte[outLen];
        System.arraycopy(doc, 0, out, 0, at);
        int p = at;
        if (last && !empty) {
            out[p++] = ',';
        }
        System.arraycopy(CHAIN_OPEN, 0, out, p, CHAIN_OPEN.length);
        p += CHAIN_OPEN.length;
        int spliceAt = p;
        int hashAt = writeSplice(out, p);
        p += SPLICE_LENGTH;
        int bodyAt = p;
        System.arraycopy(SEQ_KEY, 0, out, p, SEQ_KEY.length);
        p += SEQ_KEY.length;
        long v = nextSeq;
        for (int i = p + digits - 1; i >= p; i--) {
            out[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        p += digits;
        System.arraycopy(streamMember, 0, out, p, streamMember.length);
        p += streamMember.length;
        out[p++] = '}';
        if (!last) {
            out[p++] = ',';
        }
        System.arraycopy(doc, at, out, p, n - at);

        // Hashed: prev, then the event as forwarded minus the splice ("hash":..,"prev":..,), i.e. C.
        sha.update(prev, 0, 64);
        sha.update(out, 0, spliceAt);
        sha.update(out, bodyAt, outLen - bodyAt);
        finishHash(out, hashAt);
        seq = nextSeq;
        return out;
    }

    /**
     * Writes the splice {@code "hash":"<64 bytes left for the hash>","prev":"<prev>",} at {@code p} (SPLICE_LENGTH
     * bytes) and returns where the hash goes.
     */
    private int writeSplice(byte[] dst, int p) {
        System.arraycopy(HASH_KEY, 0, dst, p, HASH_KEY.length);
        int hashAt = p + HASH_KEY.length;
        p = hashAt + 64;
        System.arraycopy(PREV_KEY, 0, dst, p, PREV_KEY.length);
        p += PREV_KEY.length;
        System.arraycopy(prev, 0, dst, p, 64);
        p += 64;
        dst[p++] = '"';
        dst[p] = ',';
        return hashAt;
    }

    /** Completes the digest of what was fed to {@code sha}; it becomes the new prev and is written at hashAt. */
    private void finishHash(byte[] dst, int hashAt) {
        try {
            sha.digest(digest, 0, 32);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 output buffer", e);
        }
        Hex.encode(digest, 0, 32, prev, 0);
        System.arraycopy(prev, 0, dst, hashAt, 64);
    }

    private void checkChainMembers(byte[] doc, int end, int at) {
        int p = at;
        boolean ok = p + SEQ_KEY.length < end && Arrays.equals(doc, p, p + SEQ_KEY.length, SEQ_KEY, 0, SEQ_KEY.length);
        long n = 0;
        if (ok) {
            p += SEQ_KEY.length;
            int digits = 0;
            while (p < end && doc[p] >= '0' && doc[p] <= '9' && digits < 19) {
                n = n * 10 + (doc[p++] - '0');
                digits++;
            }
            ok = digits > 0 && n == nextSeq() && p + streamMember.length <= end
                    && Arrays.equals(doc, p, p + streamMember.length, streamMember, 0, streamMember.length);
        }
        if (!ok) {
            throw new IllegalArgumentException("event does not carry this chain's next members (\"seq\":" + nextSeq()
                    + ",\"stream\":\"" + stream + "\") at offset " + at + "; use writeSeqAndStream");
        }
    }

    /**
     * The next event the chain itself must forward, already linked, or null: first a pending chain_restart, then a
     * checkpoint when one is due under the policy (and a key exists). Call before and after each batch and on a
     * timer of about {@code everyMillis}.
     */
    public byte[] pollControlEvent(long nowMs) {
        if (pendingRestart != null) {
            return restartEvent(nowMs);
        }
        long unsealed = seq - lastCheckpointSeq;
        if (key != null && unsealed > 0
                && (unsealed >= policy.everyEvents() || nowMs - lastCheckpointMs >= policy.everyMillis())) {
            return checkpoint(nowMs);
        }
        return null;
    }

    /** A checkpoint now if any event is unsealed (on clean shutdown, so the stream ends sealed), else null. */
    public byte[] finalCheckpoint(long nowMs) {
        return pendingRestart == null && key != null && seq > lastCheckpointSeq ? checkpoint(nowMs) : null;
    }

    private byte[] restartEvent(long nowMs) {
        RestartReason reason = pendingRestart;
        pendingRestart = null;
        CanonicalWriter w = control.reset();
        w.raw("{\"@timestamp\":").string(TIMESTAMP.format(Instant.ofEpochMilli(nowMs))).raw(",\"chain\":{");
        int at = w.size();
        writeSeqAndStream(w).raw("},\"chain_restart\":{");
        if (previousStream != null) {
            w.key("previous_stream").string(previousStream).raw(',');
        }
        w.key("reason").string(reason.wire())
                .raw("},\"event\":{\"dataset\":\"redactd.integrity\",\"kind\":\"chain_restart\"},\"message\":")
                .string("redactd chain restarted: " + reason.wire()).raw('}');
        return link(w.array(), 0, w.size(), at);
    }

    private byte[] checkpoint(long nowMs) {
        String headHash = headHash();
        long count = seq - lastCheckpointSeq;
        byte[] message = Checkpoint.message(stream, seq, headHash, count, key.index());
        SealingKey.Seal seal = key.seal(message);
        CanonicalWriter w = control.reset();
        w.raw("{\"@timestamp\":").string(TIMESTAMP.format(Instant.ofEpochMilli(nowMs))).raw(",\"chain\":{");
        int at = w.size();
        writeSeqAndStream(w).raw("},\"checkpoint\":{")
                .key("count").number(count).raw(',')
                .key("head_hash").string(headHash).raw(',')
                .key("head_seq").number(seq).raw(',')
                .key("key_index").number(seal.keyIndex()).raw(',')
                .key("mac").hexString(seal.mac()).raw(',');
        if (seal.signature() != null) {
            w.key("sig").hexString(seal.signature()).raw(',');
        }
        w.key("stream").string(stream)
                .raw("},\"event\":{\"dataset\":\"redactd.integrity\",\"kind\":\"checkpoint\"},\"message\":")
                .string("redactd checkpoint").raw('}');
        byte[] doc = link(w.array(), 0, w.size(), at);
        lastCheckpointSeq = seq;
        lastCheckpointMs = nowMs;
        return doc;
    }

    /**
     * Makes everything linked so far the durable head: the head file first, then (if a checkpoint used a key since
     * the last commit) the key file, so the old key leaves the disk. Call only once the linked events are durable in
     * the disk buffer (or delivered, without one): a crash before this re-links the same seqs for re-read input,
     * which never reached anyone; a crash after it cannot reuse a seq. See README "Integrity" for the argument.
     */
    public void commit() throws IOException {
        PendingCommit c = prepareCommit();
        if (c != null) {
            write(c);
            committed(c);
        }
    }

    /**
     * What a commit makes durable, taken on the chaining thread at a moment when everything linked so far is durable
     * in the buffer: the head, and a copy of the key when it evolved since the last commit. {@link #write} may then
     * run on another thread while this chain links on; {@link #committed} records the result. Null when there is
     * nothing new to commit.
     */
    public PendingCommit prepareCommit() {
        if (seq == 0 || committed != null && committed.seq() == seq) {
            return null;
        }
        ChainHead h = new ChainHead(stream, seq, headHash(), lastCheckpointSeq, key == null ? 0 : key.index());
        return new PendingCommit(h, key != null && key.index() != committedKeyIndex ? key.copy() : null);
    }

    /** Writes a prepared commit: the head file, then the key file. Touches no chain state (any thread). */
    public void write(PendingCommit c) throws IOException {
        store.save(c.head());
        if (c.key() != null) {
            try {
                c.key().save(stateDir);
            } finally {
                c.key().erase();
            }
        }
    }

    /** On the chaining thread: {@code c} is durable. */
    public void committed(PendingCommit c) {
        if (committed == null || c.head().seq() > committed.seq()) {
            committed = c.head();
        }
        if (c.key() != null && c.head().keyIndex() > committedKeyIndex) {
            committedKeyIndex = c.head().keyIndex();
        }
    }

    /** A commit prepared by {@link #prepareCommit}; {@code key} is a copy to save (then erased), or null. */
    public record PendingCommit(ChainHead head, SealingKey key) {
        /** Erases the key copy of a prepared commit that a newer one replaces before it was written. */
        public void discard() {
            if (key != null) {
                key.erase();
            }
        }
    }

    /**
     * On startup, adopts a chained event found durable in the disk buffer beyond the committed head (a crash came
     * between the buffer write and {@link #commit()}). Feed the buffer's uncommitted tail in order; events of other
     * streams or at or below the head are ignored. Returns true if the head moved.
     */
    public boolean recover(byte[] forwardedDoc) {
        ChainedDoc d;
        try {
            d = ChainedDoc.parse(forwardedDoc, 0, forwardedDoc.length, new CanonicalWriter(forwardedDoc.length));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (pendingRestart != null || !stream.equals(d.stream()) || d.seq() <= seq) {
            return false;
        }
        seq = d.seq();
        System.arraycopy(d.hash().getBytes(StandardCharsets.US_ASCII), 0, prev, 0, 64);
        if (d.checkpoint() != null) {
            lastCheckpointSeq = d.seq();
            if (key != null) {
                key.evolveTo(d.checkpoint().keyIndex() + 1);
            }
        }
        return true;
    }
}
