package io.redactd.daemon.integrity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** What the verifier knows about one chain.stream while reading it. */
final class StreamState {
    /** An event read ahead of a gap, waiting for the missing seqs. */
    record Pending(ChainedDoc doc, String computedHash, long maxSeqSeenBefore, DeadLetterInput.Entry deadLetter) {
    }

    static final int MAX_ISSUES = 20;
    private static final int RECENT = 1 << 16;

    final String stream;
    final PriorityQueue<Pending> pending = new PriorityQueue<>((a, b) -> Long.compare(a.doc().seq(), b.doc().seq()));
    final List<Issue> issues = new ArrayList<>();
    long issueCount;
    long tamperCount;

    long firstSeq = -1;
    long lastSeq;
    String lastHash = HashChain.GENESIS_PREV;
    long maxSeqSeen;
    long events;
    long duplicates;
    long firstDuplicateSeq = -1;
    /** Events found only in dead-letter files (--dead-letter), in their place in the chain; the first few named. */
    long deadLettered;
    final List<String> deadLetteredFirst = new ArrayList<>();
    /** Dead-letter entries of this stream before its first / after its last seq in the input: not verified. */
    long deadLetterBefore;
    long deadLetterAfter;
    long inputFirstSeq; // the input's own seq range of the stream, for that note
    long inputLastSeq;

    long checkpoints;
    long lastCheckpointSeq = -1; // own seq of the last checkpoint event seen in order (-1: none)
    long lastKeyIndex = -1;
    long sealedThrough; // head_seq of the last checkpoint whose MAC verified
    long lastSealedCheckpointSeq = -1; // own seq of the last checkpoint whose MAC verified
    long macFailures; // checkpoints consistent with the chain whose MAC (or signature) did not verify
    long signatureFailures; // of macFailures, those whose MAC verified (or was not checked) but not the signature
    final List<Issue> macIssues = new ArrayList<>(); // the first of them, listed only if another checkpoint verifies
    long checkedThrough; // head_seq of the last checkpoint consistent with the chain (MAC unchecked without a key)
    long firstKeyIndex = -1;
    boolean startsWithRestart;
    String restartReason;
    String previousStream;

    private final long[] recentSeq = new long[RECENT];
    private final String[] recentHash = new String[RECENT];

    StreamState(String stream) {
        this.stream = stream;
    }

    void remember(long seq, String hash) {
        int i = (int) (seq & (RECENT - 1));
        recentSeq[i] = seq;
        recentHash[i] = hash;
    }

    /** The hash seen for {@code seq}, or null if it fell out of the window of recent events. */
    String recalled(long seq) {
        int i = (int) (seq & (RECENT - 1));
        return recentSeq[i] == seq ? recentHash[i] : null;
    }

    void deadLettered(long seq, DeadLetterInput.Entry e) {
        deadLettered++;
        if (deadLetteredFirst.size() < 5) {
            deadLetteredFirst.add("seq " + seq + " (" + e.output() + ": " + (e.status() > 0 ? "HTTP " + e.status() + " "
                    : "") + e.errorType() + ")");
        }
    }

    void add(Issue issue) {
        issueCount++;
        if (issue.type().tampering()) {
            tamperCount++;
        }
        if (issues.size() < MAX_ISSUES) {
            issues.add(issue);
        }
    }

    /** A checkpoint in its place whose MAC or signature fails: decided on by {@link #settleMacFailures}. */
    void macFailure(Issue issue) {
        macFailures++;
        tamperCount++;
        if (macIssues.size() < MAX_ISSUES) {
            macIssues.add(issue);
        }
    }

    /**
     * At the end of the input: if some checkpoint of the stream verified, the key is right and each failing one is a
     * finding of its own, listed in seq order with the rest. If none verified, they stay a count: the report leads
     * with "wrong key?" rather than one TAMPERED line per checkpoint.
     */
    void settleMacFailures() {
        if (checkpoints == 0 || macIssues.isEmpty()) {
            return;
        }
        for (Issue i : macIssues) {
            issueCount++;
            if (issues.size() < MAX_ISSUES) {
                issues.add(i);
            }
        }
        macIssues.clear();
        issues.sort(Comparator.comparingLong(Issue::seq));
    }

    /** Every checkpoint in its place failed its MAC or signature and none verified. */
    boolean noMacVerifies() {
        return checkpoints == 0 && macFailures > 0;
    }

    /** Own seq of the last checkpoint whose MAC verified, 0 if none; the events after it are not authenticated. */
    long authenticatedThrough() {
        return Math.max(0, lastSealedCheckpointSeq);
    }

    /** Events read after the last verified checkpoint (all of them if none verified): not authenticated. */
    long unsealedEvents() {
        long from = lastSealedCheckpointSeq > 0 ? lastSealedCheckpointSeq + 1 : Math.max(firstSeq, 1);
        return lastSeq >= from ? lastSeq - from + 1 : 0;
    }

    boolean tampered() {
        return tamperCount > 0;
    }
}
