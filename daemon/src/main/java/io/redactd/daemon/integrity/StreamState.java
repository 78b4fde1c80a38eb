package io.redactd.daemon.integrity;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** What the verifier knows about one chain.stream while reading it. */
final class StreamState {
    /** An event read ahead of a gap, waiting for the missing seqs. */
    record Pending(ChainedDoc doc, String computedHash, long maxSeqSeenBefore) {
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

    long checkpoints;
    long lastCheckpointSeq = -1; // own seq of the last checkpoint event seen in order (-1: none)
    long lastKeyIndex = -1;
    long sealedThrough; // head_seq of the last checkpoint whose MAC verified
    long lastSealedCheckpointSeq = -1; // own seq of the last checkpoint whose MAC verified
    long macFailures; // checkpoints consistent with the chain whose MAC (or signature) did not verify
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

    void add(Issue issue) {
        issueCount++;
        if (issue.type().tampering()) {
            tamperCount++;
        }
        if (issues.size() < MAX_ISSUES) {
            issues.add(issue);
        }
    }

    boolean tampered() {
        return tamperCount > 0;
    }
}
