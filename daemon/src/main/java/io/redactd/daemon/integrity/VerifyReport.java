package io.redactd.daemon.integrity;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The outcome of {@code redactd verify}: per-stream findings, and the words an auditor reads. */
public final class VerifyReport {
    /** Exit statuses of {@code redactd verify}; {@code 2} (usage or I/O error) is the command's own. */
    public static final int INTACT = 0;
    public static final int TAMPERED = 1;
    public static final int UNSEALED = 3;
    public static final int NO_EVENTS = 4;

    private final List<StreamState> streams;
    private final List<Issue> readIssues;
    private final long readIssueCount;
    private final long malformed;
    private final List<String> malformedWhere;
    private final long docs;
    private final long skipped;
    private final boolean macChecked;
    private final boolean signatureChecked;
    private final boolean unordered;
    /** --dead-letter entries of streams the input does not hold (not verified), and how many such streams. */
    private final long deadLettersOfOtherStreams;
    private final int otherDeadLetterStreams;

    VerifyReport(List<StreamState> streams, List<Issue> readIssues, long readIssueCount, long malformed,
                 List<String> malformedWhere, long docs, long skipped, boolean macChecked, boolean signatureChecked,
                 boolean unordered, long deadLettersOfOtherStreams, int otherDeadLetterStreams) {
        this.streams = streams;
        this.readIssues = readIssues;
        this.readIssueCount = readIssueCount;
        this.malformed = malformed;
        this.malformedWhere = malformedWhere;
        this.docs = docs;
        this.skipped = skipped;
        this.macChecked = macChecked;
        this.signatureChecked = signatureChecked;
        this.unordered = unordered;
        this.deadLettersOfOtherStreams = deadLettersOfOtherStreams;
        this.otherDeadLetterStreams = otherDeadLetterStreams;
    }

    /** Intact and, with a key, every event authenticated by a checkpoint. */
    public boolean intact() {
        return exitCode() == INTACT;
    }

    private boolean tampered() {
        return readIssues.stream().anyMatch(i -> i.type().tampering()) || streams.stream().anyMatch(StreamState::tampered);
    }

    /**
     * {@value #INTACT} intact; {@value #TAMPERED} tampered (or no checkpoint MAC verifies with the key); {@value
     * #UNSEALED} chained consistently but, with a key, some events are not authenticated by any checkpoint;
     * {@value #NO_EVENTS} no chained event in the input (empty, or not a redactd stream).
     */
    public int exitCode() {
        if (streams.isEmpty()) {
            return NO_EVENTS;
        }
        if (tampered()) {
            return TAMPERED;
        }
        return unsealedEvents() > 0 ? UNSEALED : INTACT;
    }

    /** With a key: events not authenticated by any verified checkpoint, over every stream (0 without a key). */
    public long unsealedEvents() {
        return macChecked ? streams.stream().mapToLong(StreamState::unsealedEvents).sum() : 0;
    }

    /** With a key, not one checkpoint MAC in the whole input verifies though some are in place: a wrong key? */
    private boolean noMacVerifiesAnywhere() {
        return macChecked && streams.stream().allMatch(s -> s.checkpoints == 0)
                && streams.stream().anyMatch(s -> s.macFailures > 0);
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

    /** Events of {@code stream} found only in dead-letter files (--dead-letter). */
    public long deadLettered(String stream) {
        return state(stream).map(s -> s.deadLettered).orElse(0L);
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
        boolean wrongKey = noMacVerifiesAnywhere();
        if (wrongKey) {
            // First, before anything that reads as tampering: every MAC failing at once is far likelier a wrong key
            // than a forger who rewrote them all.
            out.printf(Locale.ROOT, "no checkpoint %s verifies with this %s: wrong %s? (%,d checkpoint(s), none "
                    + "verifies; use the %s `redactd keygen` printed for the host that wrote the stream. "
                    + "With the right key this means every checkpoint was forged)%n", sealName(), keyName(),
                    keyName(), streams.stream().mapToLong(s -> s.macFailures).sum(),
                    onlySignaturesFail() ? "ed25519-public-key" : "verification-key");
        }
        printReadIssues(out);
        for (StreamState s : streams) {
            printStream(out, s, wrongKey);
        }
        if (deadLettersOfOtherStreams > 0) {
            out.printf(Locale.ROOT, "note: %,d dead-letter entr%s of %d stream(s) not in the input ignored (not "
                    + "verified)%n", deadLettersOfOtherStreams, deadLettersOfOtherStreams == 1 ? "y" : "ies",
                    otherDeadLetterStreams);
        }
        if (streams.isEmpty()) {
            out.println(docs == 0 ? "no events: the input is empty"
                    : "no chained events: the input is not a redactd stream (the file output, or an export of it)");
        }
        out.println(result(wrongKey));
    }

    /** Every failing checkpoint had a good (or unchecked) MAC and a bad signature: the public key is the suspect. */
    private boolean onlySignaturesFail() {
        return streams.stream().allMatch(s -> s.signatureFailures == s.macFailures);
    }

    private String sealName() {
        return onlySignaturesFail() ? "Ed25519 signature" : "MAC";
    }

    private String keyName() {
        return onlySignaturesFail() ? "public key" : "key";
    }

    private void printReadIssues(PrintWriter out) {
        if (streams.isEmpty() && malformed > 0) {
            // Not a stream at all (a raw log, say): one line, not one finding per input line.
            out.printf(Locale.ROOT, "  %,d lines are not redactd events (first: %s%s)%n", malformed,
                    String.join(", ", malformedWhere), malformed > malformedWhere.size() ? ", ..." : "");
            readIssues.stream().filter(i -> i.type() != Issue.Type.MALFORMED)
                    .forEach(i -> out.println("  " + (i.type().tampering() ? "TAMPERED: " : "") + i));
            return;
        }
        for (Issue i : readIssues) {
            out.println("  " + (i.type().tampering() ? "TAMPERED: " : "") + i);
        }
        if (readIssueCount > readIssues.size()) {
            out.printf(Locale.ROOT, "  ... %,d more lines that cannot be verified not listed%n",
                    readIssueCount - readIssues.size());
        }
    }

    private void printStream(PrintWriter out, StreamState s, boolean wrongKey) {
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
        if (s.deadLettered > 0) {
            out.printf(Locale.ROOT, "  note: %,d event(s) found only in dead-letter files (rejected by an output, so "
                    + "not in the store; verified in their place like the rest, not tampering): %s%s%n",
                    s.deadLettered, String.join(", ", s.deadLetteredFirst), s.deadLettered > s.deadLetteredFirst.size()
                            ? ", ..." : "");
        }
        if (s.deadLetterBefore + s.deadLetterAfter > 0) {
            // A dead-letter file spans all time; the input may be one day's index or what retention kept.
            out.printf(Locale.ROOT, "  note: %,d dead-letter entr%s outside the input's range of this stream (seq "
                    + "%d..%d) ignored (not verified): %,d before, %,d after%n", s.deadLetterBefore + s.deadLetterAfter,
                    s.deadLetterBefore + s.deadLetterAfter == 1 ? "y" : "ies", s.inputFirstSeq, s.inputLastSeq,
                    s.deadLetterBefore, s.deadLetterAfter);
        }
        if (!macChecked) {
            out.println("  checkpoint MACs NOT checked (no --key/--key-file): the chain is consistent, but "
                    + "anyone can recompute a hash chain; only the MACs prove who wrote it");
            return;
        }
        if (s.sealedThrough > 0) {
            out.printf(Locale.ROOT, "  sealed %s seq %d by %,d checkpoint MAC(s) (key index %d..%d)%s%n",
                    s.firstSeq > 1 ? "from seq " + s.firstSeq + " through" : "through",
                    s.sealedThrough, s.checkpoints, s.firstKeyIndex, s.lastKeyIndex,
                    signatureChecked ? ", Ed25519 signatures valid" : "");
        } else {
            out.println("  NOT SEALED: no valid checkpoint in this stream");
        }
        if (s.noMacVerifies()) {
            out.printf(Locale.ROOT, "  %,d checkpoint %s(s) do not verify with this %s (seq %s)%s%n", s.macFailures,
                    s.signatureFailures == s.macFailures ? "Ed25519 signature" : "MAC",
                    s.signatureFailures == s.macFailures ? "public key" : "key",
                    String.join(", ", s.macIssues.stream().limit(5).map(i -> Long.toString(i.seq())).toList())
                            + (s.macFailures > 5 ? ", ..." : ""),
                    wrongKey ? "" : ": this stream's checkpoints were forged, or it was written with another key");
        }
        long unsealed = s.unsealedEvents();
        if (unsealed > 0) {
            long from = s.lastSeq - unsealed + 1;
            out.printf(Locale.ROOT, "  UNSEALED: seq %d..%d of stream %s (%,d events): not authenticated by any "
                    + "checkpoint%s%n", from, s.lastSeq, s.stream, unsealed, s.sealedThrough > 0
                    ? " (they follow the last verified one, at seq " + s.lastSealedCheckpointSeq + ")"
                    : s.startsWithRestart ? "; that includes its restart event, so its claim is unproven" : "");
            if (!wrongKey) {
                out.println("  " + unsealedContext(s));
            }
        } else if (s.lastSealedCheckpointSeq > 0) {
            // The format does not tell a final (clean stop) checkpoint from a periodic one, so say only what is known.
            out.printf(Locale.ROOT, "  the last checkpoint, at seq %d, covers every event of this stream in the input "
                    + "(a clean stop ends so; so would a cut at a checkpoint: compare with --expect-seq)%n", s.lastSeq);
            successor(s).ifPresent(later -> out.println("  stream " + later.stream + " says it restarted after this "
                    + "one; " + restartAuthenticity(later)));
        }
        if (s.sealedThrough > 0) {
            out.printf(Locale.ROOT, "  to detect a later truncation, verify next time with: --stream %s "
                    + "--expect-seq %d%n", s.stream, s.lastSealedCheckpointSeq);
        }
    }

    /** How an analyst tells a legitimate unsealed tail (a crash, a live file) from events written without the key. */
    private String unsealedContext(StreamState s) {
        String limit = "at most checkpoint_events (default 10,000) events or checkpoint_interval_ms (default 1 s) of "
                + "events";
        Optional<StreamState> later = successor(s);
        if (later.isPresent()) {
            return "stream " + later.get().stream + " says it restarted after this one ("
                    + (later.get().restartReason == null ? "no reason given" : later.get().restartReason)
                    + "); a daemon that lost its head this way leaves " + limit + " unsealed; "
                    + restartAuthenticity(later.get());
        }
        return "a file still being written, or a daemon stopped without a clean shutdown, leaves " + limit
                + " unsealed; more than that, or a stream that no checkpoint authenticates, was written without the key";
    }

    /** A later stream of the input whose chain_restart names {@code s} as the stream before it. */
    private Optional<StreamState> successor(StreamState s) {
        return streams.stream().filter(l -> l != s && l.startsWithRestart && s.stream.equals(l.previousStream))
                .findFirst();
    }

    private static String restartAuthenticity(StreamState later) {
        return later.authenticatedThrough() > 0
                ? "that restart event is sealed by a checkpoint of stream " + later.stream + " that verifies"
                : "that restart event is itself NOT authenticated (no checkpoint of its stream verifies)";
    }

    private String result(boolean wrongKey) {
        return switch (exitCode()) {
            case INTACT -> "RESULT: INTACT";
            case NO_EVENTS -> docs == 0 ? "RESULT: NO EVENTS (empty input)"
                    : "RESULT: NO EVENTS (not a redactd stream: no line is a chained event)";
            case UNSEALED -> String.format(Locale.ROOT, "RESULT: UNSEALED (the chain is intact, but %,d event(s) are "
                    + "not authenticated by any checkpoint)", unsealedEvents());
            default -> {
                Optional<Issue> first = firstTampering();
                if (first.isPresent()) {
                    yield "RESULT: TAMPERED (first: " + first.get().type().label() + " at seq " + first.get().seq()
                            + ")";
                }
                yield wrongKey ? "RESULT: NOT VERIFIED (no checkpoint " + sealName() + " verifies with this "
                        + keyName() + ": wrong " + keyName() + "?)"
                        : "RESULT: TAMPERED (no checkpoint MAC or signature of stream " + streams.stream()
                        .filter(StreamState::noMacVerifies).map(x -> x.stream).findFirst().orElse("?")
                        + " verifies with this key)";
            }
        };
    }
}
