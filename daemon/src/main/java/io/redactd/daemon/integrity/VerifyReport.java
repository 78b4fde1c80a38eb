package io.redactd.daemon.integrity;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The outcome of {@code redactd verify}: per-stream findings, and the words an auditor reads. */
public final class VerifyReport {
    private final List<StreamState> streams;
    private final List<Issue> readIssues;
    private final long docs;
    private final long skipped;
    private final boolean macChecked;
    private final boolean signatureChecked;
    private final boolean unordered;

    VerifyReport(List<StreamState> streams, List<Issue> readIssues, long docs, long skipped, boolean macChecked,
                 boolean signatureChecked, boolean unordered) {
        this.streams = streams;
        this.readIssues = readIssues;
        this.docs = docs;
        this.skipped = skipped;
        this.macChecked = macChecked;
        this.signatureChecked = signatureChecked;
        this.unordered = unordered;
    }

    public boolean intact() {
        return readIssues.stream().noneMatch(i -> i.type().tampering())
                && streams.stream().noneMatch(StreamState::tampered) && !streams.isEmpty();
    }

    /** 0 intact, 1 tampered (or nothing to verify). */
    public int exitCode() {
        return intact() ? 0 : 1;
    }

    /** Every recorded finding (at most {@value StreamState#MAX_ISSUES} per stream), tampering first. */
    public List<Issue> issues() {
        List<Issue> all = new ArrayList<>(readIssues);
        streams.forEach(s -> all.addAll(s.issues));
        return all;
    }

    /** The first tampering finding by seq (within the stream where it occurs), if any. */
    public Optional<Issue> firstTampering() {
        return issues().stream().filter(i -> i.type().tampering())
                .min(Comparator.comparingLong(Issue::seq));
    }

    public long duplicates() {
        return streams.stream().mapToLong(s -> s.duplicates).sum();
    }

    public long events() {
        return streams.stream().mapToLong(s -> s.events).sum();
    }

    /** Highest seq covered by a verified checkpoint MAC in {@code stream} (0 if none). */
    public long sealedThrough(String stream) {
        return state(stream).map(s -> s.sealedThrough).orElse(0L);
    }

    public long lastSeq(String stream) {
        return state(stream).map(s -> s.lastSeq).orElse(0L);
    }

    public long checkpoints(String stream) {
        return state(stream).map(s -> s.checkpoints).orElse(0L);
    }

    public List<String> streamIds() {
        return streams.stream().map(s -> s.stream).toList();
    }

    private Optional<StreamState> state(String stream) {
        return streams.stream().filter(s -> s.stream.equals(stream)).findFirst();
    }

    public void print(PrintWriter out) {
        out.printf(Locale.ROOT, "read %,d events in %d stream(s)%s%s%n", docs, streams.size(),
                skipped > 0 ? String.format(Locale.ROOT, " (%,d of other streams skipped)", skipped) : "",
                unordered ? ", order not enforced (--unordered)" : "");
        for (Issue i : readIssues) {
            out.println("  " + (i.type().tampering() ? "TAMPERED: " : "") + i);
        }
        for (StreamState s : streams) {
            out.printf(Locale.ROOT, "stream %s: seq %d..%d, %,d events, %,d checkpoints%n", s.stream,
                    Math.max(s.firstSeq, 0), s.lastSeq, s.events, s.checkpoints);
            for (Issue i : s.issues) {
                out.println("  " + (i.type().tampering() ? "TAMPERED: " : "note: ") + i.type().label() + " at seq "
                        + i.seq() + ": " + i.detail());
            }
            if (s.issueCount > s.issues.size()) {
                out.printf(Locale.ROOT, "  ... %,d more findings not listed%n", s.issueCount - s.issues.size());
            }
            if (s.duplicates > 0) {
                out.printf(Locale.ROOT, "  %,d duplicate deliveries (same seq, same hash), first at seq %d: "
                        + "not tampering%n", s.duplicates, s.firstDuplicateSeq);
            }
            if (macChecked) {
                if (s.sealedThrough > 0) {
                    out.printf(Locale.ROOT, "  sealed through seq %d by %,d checkpoint MAC(s) (key index %d..%d)%s%n",
                            s.sealedThrough, s.checkpoints, s.firstKeyIndex, s.lastKeyIndex,
                            signatureChecked ? ", Ed25519 signatures valid" : "");
                } else {
                    out.println("  NOT SEALED: no valid checkpoint in this stream");
                }
                if (s.checkpoints == 0 && s.macFailures > 0) {
                    // Every MAC failing at once is far likelier a wrong key than a forger who rewrote them all.
                    out.println("  no checkpoint MAC verifies with this key: check that it is the verification-key "
                            + "`redactd keygen` printed for the host that wrote this stream");
                }
                // A stream that ends with its verified checkpoint (a clean shutdown) is sealed to its end.
                boolean endsSealed = s.sealedThrough > 0 && s.lastSealedCheckpointSeq == s.lastSeq;
                if (!endsSealed && s.lastSeq > s.sealedThrough) {
                    out.printf(Locale.ROOT, "  UNSEALED: seq %d..%d (%,d events) follow the last verified checkpoint;"
                                    + " they are chained but could be truncated or rewritten undetected%n",
                            s.sealedThrough + 1, s.lastSeq, s.lastSeq - s.sealedThrough);
                }
                if (endsSealed) {
                    out.printf(Locale.ROOT, "  the stream ends with its checkpoint at seq %d: sealed to its end%n",
                            s.lastSeq);
                }
                if (s.sealedThrough > 0) {
                    out.printf(Locale.ROOT, "  to detect a later truncation, verify next time with: --stream %s "
                            + "--expect-seq %d%n", s.stream, s.lastSealedCheckpointSeq);
                }
            } else {
                out.println("  checkpoint MACs NOT checked (no --key/--key-file): the chain is consistent, but "
                        + "anyone can recompute a hash chain; only the MACs prove who wrote it");
            }
        }
        if (streams.isEmpty()) {
            out.println("no chained events found");
        }
        out.println(intact() ? "RESULT: INTACT" : "RESULT: TAMPERED" + firstTampering()
                .map(i -> " (first: " + i.type().label() + " at seq " + i.seq() + ")").orElse(""));
    }
}
