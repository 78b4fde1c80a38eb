package io.redactd.daemon.integrity;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks chained events read back from a store, one at a time and in bounded memory.
 *
 * <p>Per stream it recomputes every hash, follows the prev links in seq order, and checks each checkpoint against the
 * chain and its MAC. Events that arrive ahead of a gap wait in a bounded window: if the missing seq turns up it was
 * reordered (reported in strict order mode, accepted with {@code unordered}); if the window fills or the input ends
 * first, the missing seqs were deleted. An event whose seq was already seen with the same hash and intact content
 * is an at-least-once duplicate, not tampering.
 */
public final class StreamVerifier {
    /** Highest key index a checkpoint may name before the verifier refuses to derive it (bounds the work). */
    static final long MAX_KEY_INDEX = 1_000_000_000L;

    private final VerifyKeys keys;
    private final boolean unordered;
    private final int window;
    private final String onlyStream;
    private final boolean retained;
    private final Map<String, StreamState> streams = new LinkedHashMap<>();
    private final List<Issue> readIssues = new ArrayList<>();
    private long readIssueCount;
    private long malformed;
    private final List<String> malformedWhere = new ArrayList<>();
    private final CanonicalWriter canonical = new CanonicalWriter(1024);
    private final MessageDigest sha = Sha256.newDigest();
    private final byte[] digest = new byte[32];
    private final byte[] hexBuf = new byte[64];
    private final int[] spliceAt = new int[1];
    private String unit = "event";
    private long docs;
    private long skipped;
    private String lastStream;
    private long lastSeqRead;
    private DeadLetterInput deadLetters;

    /**
     * @param k0         K[0] (32 bytes) or null: without it checkpoint MACs are not checked
     * @param publicKey  raw Ed25519 public key or null
     * @param unordered  accept events out of seq order within the window (store exports); strict otherwise
     * @param window     events per stream held while waiting for a missing seq
     * @param onlyStream verify only this chain.stream (null: every stream found)
     */
    public StreamVerifier(byte[] k0, byte[] publicKey, boolean unordered, int window, String onlyStream) {
        this(k0, publicKey, unordered, window, onlyStream, false);
    }

    /**
     * @param retained the input is what retention kept (rotated files deleted, a partial export): a stream whose
     *                 lowest seq read is above 1 begins there, reported as a note, instead of its earlier seqs being
     *                 reported deleted
     */
    public StreamVerifier(byte[] k0, byte[] publicKey, boolean unordered, int window, String onlyStream,
                          boolean retained) {
        this.keys = new VerifyKeys(k0, publicKey);
        this.unordered = unordered;
        this.window = Math.max(1, window);
        this.onlyStream = onlyStream;
        this.retained = retained;
    }

    /**
     * Documents from outputs' dead-letter files ({@code --dead-letter}): each inside the seq range the input holds for
     * its stream is verified as an event of the input, taken in just before the first event read that follows it in
     * its stream (or at the end), so it fills the gap its rejection left in the store; the others are only counted.
     */
    void deadLetters(DeadLetterInput in) {
        this.deadLetters = in;
    }

    /** One event as stored; {@code ordinal} locates it for messages ("line 42" or "document 42", see {@link #unit}). */
    public void accept(byte[] buf, int off, int len, long ordinal) {
        verifyOne(buf, off, len, unit + " " + ordinal, null);
    }

    /** {@code dl}: the dead-letter entry the event comes from, null for the input itself. */
    private void verifyOne(byte[] buf, int off, int len, String where, DeadLetterInput.Entry dl) {
        docs++;
        ChainedDoc doc = CanonicalFastPath.tryParse(buf, off, len, spliceAt);
        if (doc != null) {
            // Stored exactly as written: hash the stored bytes around the prev/hash splice, no copy.
            sha.update(doc.prev().getBytes(StandardCharsets.US_ASCII));
            sha.update(buf, off, spliceAt[0] - off);
            int rest = spliceAt[0] + CanonicalFastPath.SPLICE;
            sha.update(buf, rest, off + len - rest);
            route(doc, dl);
            return;
        }
        try {
            doc = ChainedDoc.parse(buf, off, len, canonical);
        } catch (IllegalArgumentException e) {
            malformed++;
            if (malformedWhere.size() < 5) {
                malformedWhere.add(where);
            }
            readIssue(new Issue(Issue.Type.MALFORMED, lastStream, lastSeqRead,
                    where + " cannot be verified (" + e.getMessage() + ")"
                            + (lastStream == null ? "" : "; it follows seq " + lastSeqRead)));
            return;
        }
        sha.update(doc.prev().getBytes(StandardCharsets.US_ASCII));
        sha.update(canonical.array(), 0, canonical.size());
        route(doc, dl);
    }

    /** The digest holds the event's hashed bytes: finish it and hand the event to its stream. */
    private void route(ChainedDoc doc, DeadLetterInput.Entry dl) {
        if (onlyStream != null && !onlyStream.equals(doc.stream())) {
            sha.reset();
            skipped++;
            return;
        }
        lastStream = doc.stream();
        lastSeqRead = doc.seq();
        try {
            sha.digest(digest, 0, 32);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        Hex.encode(digest, 0, 32, hexBuf, 0);
        String computed = new String(hexBuf, StandardCharsets.US_ASCII);
        if (dl == null && deadLetters != null) {
            // The dead-lettered events this one follows come first, as if the store had kept them in their place; only
            // those inside the seq range the input holds for the stream (see DeadLetterInput).
            for (DeadLetterInput.Entry e : deadLetters.takeWithin(doc.stream(), doc.seq())) {
                verifyOne(e.document(), 0, e.document().length, e.where(), e);
            }
        }
        offer(streams.computeIfAbsent(doc.stream(), StreamState::new), doc, computed, dl);
    }

    /** An input that ended mid-event (a torn last line). */
    public void truncatedInput(long ordinal) {
        readIssue(new Issue(Issue.Type.TRUNCATED, lastStream, lastSeqRead,
                unit + " " + ordinal + " ends without a line terminator and is not a complete event"));
    }

    /** Findings that belong to no stream: capped like a stream's, so a file of anything else is not one per line. */
    private void readIssue(Issue issue) {
        readIssueCount++;
        if (readIssues.size() < StreamState.MAX_ISSUES) {
            readIssues.add(issue);
        }
    }

    private void offer(StreamState st, ChainedDoc doc, String computed, DeadLetterInput.Entry dl) {
        long seq = doc.seq();
        long maxBefore = st.maxSeqSeen;
        st.maxSeqSeen = Math.max(st.maxSeqSeen, seq);
        if (retained && !unordered && st.firstSeq < 0 && st.lastSeq == 0 && seq > 1 && st.pending.isEmpty()) {
            // In file order the first event read is where the retained part of the stream begins.
            beginsLater(st, seq, doc.prev());
        }
        if (seq <= st.lastSeq) {
            seenBefore(st, doc, computed, dl);
        } else if (seq == st.lastSeq + 1) {
            inOrder(st, doc, computed, maxBefore, dl);
            drain(st);
        } else {
            st.pending.add(new StreamState.Pending(doc, computed, maxBefore, dl));
            if (st.pending.size() > window) {
                skipGap(st);
                drain(st);
            }
        }
    }

    private void drain(StreamState st) {
        while (!st.pending.isEmpty()) {
            StreamState.Pending p = st.pending.peek();
            if (p.doc().seq() <= st.lastSeq) {
                st.pending.poll();
                seenBefore(st, p.doc(), p.computedHash(), p.deadLetter());
            } else if (p.doc().seq() == st.lastSeq + 1) {
                st.pending.poll();
                inOrder(st, p.doc(), p.computedHash(), p.maxSeqSeenBefore(), p.deadLetter());
            } else {
                return;
            }
        }
    }

    /** The seqs before the lowest waiting event never came: report them deleted and continue after them. */
    private void skipGap(StreamState st) {
        StreamState.Pending next = st.pending.peek();
        if (st.lastSeq == 0 && retained) {
            beginsLater(st, next.doc().seq(), next.doc().prev());
            return;
        }
        long from = st.lastSeq + 1;
        long to = next.doc().seq() - 1;
        String what = from == to ? "event seq " + from + " is missing" : "events seq " + from + ".." + to
                + " are missing (" + (to - from + 1) + ")";
        what += st.lastSeq == 0 ? "; the stream begins at seq " + next.doc().seq() + " (deleted; if older files "
                + "were rotated away or not exported, verify with --retained)" : deadLetters == null
                ? " (deleted; if an output dead-lettered them, verify with --dead-letter and its dead_letter_path)"
                : " (deleted; not in the dead-letter files given either)";
        st.add(new Issue(Issue.Type.DELETED, st.stream, from, what));
        st.lastSeq = to;
        // Resynchronise on what the next event claims, so one deletion is reported once, not as a cascade.
        st.lastHash = st.lastSeq == 0 ? HashChain.GENESIS_PREV : next.doc().prev();
    }

    /** --retained: the seqs before {@code first} are not in the input by the caller's word, so the stream starts there. */
    private void beginsLater(StreamState st, long first, String prev) {
        st.add(new Issue(Issue.Type.BEGINS_LATER, st.stream, first, "events seq 1.." + (first - 1) + " are not in the "
                + "input (rotated away or not exported?); accepted with --retained, so a deletion there would not show"));
        st.lastSeq = first - 1;
        st.lastHash = prev;
    }

    private void seenBefore(StreamState st, ChainedDoc doc, String computed, DeadLetterInput.Entry dl) {
        String earlier = st.recalled(doc.seq());
        if (earlier == null) {
            st.add(new Issue(Issue.Type.REORDERED, st.stream, doc.seq(), "seq " + doc.seq()
                    + " appears again far after its place (beyond the window of recent events), cannot compare"));
        } else if (!earlier.equals(doc.hash())) {
            st.add(new Issue(Issue.Type.INSERTED, st.stream, doc.seq(), "seq " + doc.seq()
                    + " appears twice with different content (an inserted or forked event)"));
        } else if (!computed.equals(doc.hash())) {
            st.add(new Issue(Issue.Type.MODIFIED, st.stream, doc.seq(), "a repeated copy of seq " + doc.seq()
                    + " was modified (content does not match chain.hash)" + from(dl)));
        } else {
            st.duplicates++;
            if (st.firstDuplicateSeq < 0) {
                st.firstDuplicateSeq = doc.seq();
                st.add(new Issue(Issue.Type.DUPLICATE, st.stream, doc.seq(), "seq " + doc.seq()
                        + " delivered more than once with identical content (at-least-once redelivery)"));
            }
        }
    }

    /** Where a finding's event came from when it is a dead-lettered copy, for the analyst to find it. */
    private static String from(DeadLetterInput.Entry dl) {
        return dl == null ? "" : " (the copy in " + dl.where() + ")";
    }

    private void inOrder(StreamState st, ChainedDoc doc, String computed, long maxSeqSeenBefore,
                         DeadLetterInput.Entry dl) {
        long seq = doc.seq();
        if (st.firstSeq < 0) {
            st.firstSeq = seq;
        }
        if (!unordered && maxSeqSeenBefore > seq) {
            st.add(new Issue(Issue.Type.REORDERED, st.stream, seq,
                    "seq " + seq + " is stored after seq " + maxSeqSeenBefore + " (events were moved)"));
        }
        if (!computed.equals(doc.hash())) {
            st.add(new Issue(Issue.Type.MODIFIED, st.stream, seq,
                    "content of seq " + seq + " does not match its chain.hash (the event was altered)" + from(dl)));
        } else if (!doc.prev().equals(st.lastHash) && !(st.firstSeq == seq && seq > 1)) {
            st.add(new Issue(Issue.Type.BROKEN_LINK, st.stream, seq, "chain.prev of seq " + seq
                    + " is not the hash of seq " + (seq - 1) + " (seq " + (seq - 1)
                    + " was replaced with a recomputed hash, or events were inserted/removed and renumbered)"));
        }
        if (dl != null && computed.equals(doc.hash())) {
            st.deadLettered(seq, dl);
        }
        st.remember(seq, doc.hash());
        st.lastSeq = seq;
        st.lastHash = doc.hash();
        st.events++;
        if (doc.isRestart()) {
            if (seq == 1) {
                st.startsWithRestart = true;
            }
            st.restartReason = doc.restartReason();
            st.previousStream = doc.previousStream();
            // Its words, not a fact: only a checkpoint of this stream that verifies authenticates them.
            st.add(new Issue(Issue.Type.RESTART, st.stream, seq, "the stream says the daemon lost its chain head ("
                    + (doc.restartReason() == null ? "no reason given" : doc.restartReason()) + ") and began it"
                    + (doc.previousStream() == null ? "" : " after stream " + doc.previousStream())));
        }
        if (doc.isCheckpoint()) {
            checkpoint(st, doc);
        }
    }

    private void checkpoint(StreamState st, ChainedDoc doc) {
        Checkpoint cp = doc.checkpoint();
        long seq = doc.seq();
        String problem = null;
        if (cp == null) {
            problem = "is malformed (missing or mistyped checkpoint fields)";
        } else if (!cp.stream().equals(st.stream)) {
            problem = "names another stream";
        } else if (cp.headSeq() != seq - 1 || !cp.headHash().equals(doc.prev())) {
            problem = "does not commit to the event before it (the chain up to seq " + (seq - 1) + " was rewritten)";
        } else if (previousCheckpoint(st) >= 0 && cp.count() != cp.headSeq() - previousCheckpoint(st)) {
            problem = "counts " + cp.count() + " events, the chain holds " + (cp.headSeq() - previousCheckpoint(st));
        } else if (st.lastKeyIndex >= 0 && cp.keyIndex() != st.lastKeyIndex + 1) {
            problem = "uses key index " + cp.keyIndex() + " after " + st.lastKeyIndex
                    + " (checkpoints were removed or replaced)";
        } else if (st.lastKeyIndex < 0 && st.firstSeq == 1 && !st.startsWithRestart && cp.keyIndex() != 0) {
            problem = "is the first of a stream that began at seq 1 yet uses key index " + cp.keyIndex()
                    + " instead of 0 (the stream was rewritten from its start)";
        } else if (cp.keyIndex() > MAX_KEY_INDEX) {
            problem = "names an implausible key index " + cp.keyIndex();
        }
        if (problem != null) {
            st.add(new Issue(Issue.Type.CHECKPOINT_INVALID, st.stream, seq, "checkpoint at seq " + seq + " " + problem));
            return;
        }
        // In its place in the chain: the next checkpoint's key index and count follow from this one, even if its MAC
        // fails below, so one bad MAC is reported once rather than making every later checkpoint look wrong.
        st.lastCheckpointSeq = seq;
        st.lastKeyIndex = cp.keyIndex();
        if (st.firstKeyIndex < 0) {
            st.firstKeyIndex = cp.keyIndex();
        }
        if (keys.hasMacKey() && !keys.macValid(cp)) {
            problem = "has a MAC that does not verify under key index " + cp.keyIndex()
                    + " (events up to seq " + cp.headSeq() + " were rewritten, or the checkpoint was forged)";
        } else if (keys.hasPublicKey() && !keys.signatureValid(cp)) {
            problem = "has a missing or invalid Ed25519 signature";
            st.signatureFailures++;
        }
        if (problem != null) {
            // Held apart until the end: if no checkpoint of the stream verifies, the key is the likelier cause and
            // the report says so once instead of listing every checkpoint as tampered.
            st.macFailure(new Issue(Issue.Type.CHECKPOINT_INVALID, st.stream, seq, "checkpoint at seq " + seq + " "
                    + problem));
            return;
        }
        st.checkpoints++;
        st.checkedThrough = cp.headSeq();
        if (keys.hasMacKey()) {
            st.sealedThrough = cp.headSeq();
            st.lastSealedCheckpointSeq = seq;
        }
    }

    /** Seq of the previous checkpoint event, 0 for a stream read from its start without one, -1 if unknown. */
    private static long previousCheckpoint(StreamState st) {
        return st.lastCheckpointSeq >= 0 ? st.lastCheckpointSeq : st.firstSeq == 1 ? 0 : -1;
    }

    /** Events read that belong to streams other than the one asked for. */
    public long skipped() {
        return skipped;
    }

    /** Ends the input: resolves what still waits on gaps and returns the result. */
    public VerifyReport finish(long expectSeq) {
        long[] otherStreams = new long[2];
        if (deadLetters != null) {
            Map<String, long[]> outside = new HashMap<>();
            for (DeadLetterInput.Entry e : deadLetters.takeRest(onlyStream, outside, otherStreams)) {
                verifyOne(e.document(), 0, e.document().length, e.where(), e);
            }
            outside.forEach((stream, beforeAfter) -> {
                StreamState st = streams.get(stream);
                st.deadLetterBefore = beforeAfter[0];
                st.deadLetterAfter = beforeAfter[1];
                st.inputFirstSeq = beforeAfter[2];
                st.inputLastSeq = beforeAfter[3];
            });
        }
        for (StreamState st : streams.values()) {
            while (!st.pending.isEmpty()) {
                skipGap(st);
                drain(st);
            }
            st.settleMacFailures();
        }
        if (expectSeq > 0) {
            for (StreamState st : streams.values()) {
                if (st.lastSeq < expectSeq) {
                    st.add(new Issue(Issue.Type.TRUNCATED, st.stream, st.lastSeq + 1, "the stream ends at seq "
                            + st.lastSeq + " but seq " + expectSeq + " was seen before (--expect-seq): the tail was cut"));
                }
            }
        }
        return new VerifyReport(new ArrayList<>(streams.values()), readIssues, readIssueCount, malformed,
                malformedWhere, docs, skipped, keys.hasMacKey(), keys.hasPublicKey(), unordered, otherStreams[0],
                (int) otherStreams[1]);
    }

    /** What {@link #accept}'s ordinal counts, for messages: "line" for a file, "document" for an index. */
    public void unit(String name) {
        this.unit = name;
    }

    public int streamCount() {
        return streams.size();
    }

    public long documentsRead() {
        return docs;
    }
}
