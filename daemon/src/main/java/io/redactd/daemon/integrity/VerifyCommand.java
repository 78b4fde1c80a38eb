package io.redactd.daemon.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code redactd verify}: reads a forwarded stream back and checks its hash chain and checkpoints.
 * Exit 0 intact, 1 tampered, 2 usage or I/O error, 3 unsealed events (with a key), 4 no chained event.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify a forwarded stream: every event's hash, the links between them, and every checkpoint's "
                + "MAC (with the verification key from `redactd keygen`). Reports the first modified, inserted, "
                + "deleted, duplicated or reordered event by seq and how far the stream is sealed.",
                "Several FILEs are one input: rotated siblings (out.ndjson.N .. out.ndjson.1, out.ndjson) are read "
                        + "oldest first whatever order they are given in; --rotated finds them for you."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
                "0:intact (with a key: every event authenticated by a checkpoint MAC)",
                "1:tampered (the findings name the seq), or no checkpoint MAC verifies with the key (wrong key?)",
                "2:usage or I/O error",
                "3:unsealed: the chain is intact but, with a key, some events are not authenticated by any "
                        + "checkpoint. A crash, or a file still being written, leaves a tail of at most "
                        + "checkpoint_events / checkpoint_interval_ms of events (the report gives the count, and "
                        + "names a later stream whose restart follows it); a longer run, or a whole stream without "
                        + "one valid checkpoint, was written without the key",
                "4:no chained event in the input (empty, or not a redactd stream)",
                "5:--es: the index maps chain.seq so that it cannot be read in seq order (text, float, or different "
                        + "types across indices): nothing was verified; the message names the mapping and the fix"})
public final class VerifyCommand implements Callable<Integer> {
    /** Exit status when an index's mapping of chain.seq prevents reading it in seq order (see SearchIndexSource). */
    static final int INDEX_NOT_SORTABLE = 5;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "FILE",
            description = "NDJSON file(s) (the file output and its rotated files, or a SIEM export), read as one "
                    + "input, rotated siblings oldest first; - for standard input")
    List<Path> files = new ArrayList<>();

    @Option(names = "--rotated", description = "also read the rotated files FILE.1 .. FILE.N that exist beside each "
            + "FILE (the file output's max_files), oldest first")
    boolean rotated;

    @Option(names = "--retained", description = "the input is what retention kept (older rotated files deleted, "
            + "an export that starts later): a stream that begins after seq 1 is a note, 'begins at seq N', instead "
            + "of 'deleted at seq 1'; checkpoints are verified from the first one read. Omit it when the input "
            + "should hold whole streams: then a deletion at the start is still caught")
    boolean retained;

    @ArgGroup(exclusive = true)
    KeyOptions keyOptions;

    static final class KeyOptions {
        @Option(names = "--key", paramLabel = "HEX", description = "the verification key K[0] (64 hex digits); "
                + "prefer --key-file, a command line is visible to other users")
        String keyHex;

        @Option(names = "--key-file", paramLabel = "FILE", description = "file with the lines keygen printed")
        Path keyFile;
    }

    @Option(names = "--public-key", paramLabel = "HEX", description = "Ed25519 public key: also check signatures")
    String publicKeyHex;

    @Option(names = "--es", paramLabel = "URL", description = "read from Elasticsearch/OpenSearch at URL instead, "
            + "sorted by chain.seq. Its mapping is read first: a number sorts as is; keyword (or text with a keyword "
            + "sub-field) is read one digit count at a time, so the order is still numeric; text without one, float, "
            + "or different types across the indices exit 5 with the fix, never as tampering")
    URI es;

    @Option(names = "--index", paramLabel = "NAME", description = "index (or alias, or pattern) to read with --es")
    String index;

    @Option(names = "--user", description = "user for HTTP basic auth with --es")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE", description = "file holding the password for --user")
    Path passwordFile;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "file holding an API key (the base64 id:key form), sent as 'Authorization: ApiKey'")
    Path apiKeyFile;

    @Option(names = "--ca-cert", paramLabel = "PEM", description = "CA certificate(s) to trust for https with --es")
    Path caCert;

    @Option(names = "--stream", paramLabel = "ID", description = "verify only this chain.stream")
    String stream;

    @Option(names = "--expect-seq", paramLabel = "N", description = "the stream is known to have reached seq N "
            + "(e.g. sealed in an earlier run): ending before it is reported as truncation")
    long expectSeq;

    @Option(names = "--unordered", description = "events may be stored out of seq order (exports from a SIEM); "
            + "by default a file must be in seq order, as the file output writes it")
    boolean unordered;

    @Option(names = "--window", paramLabel = "N", defaultValue = "100000",
            description = "events per stream held while waiting for a missing or late seq (default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--dead-letter", paramLabel = "FILE", description = "an output's dead-letter file "
            + "(its dead_letter_path; repeatable): the documents the store rejected for good are verified as events "
            + "of the input in their place in the chain, and reported as a note (how many per stream, the first seqs "
            + "with status and error_type) instead of as deleted. A dead-lettered document that was altered is still "
            + "caught")
    List<Path> deadLetterFiles = new ArrayList<>();

    @Option(names = "--no-progress", description = "no progress bar, even on a terminal")
    boolean noProgress;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        EventSource source;
        byte[] k0 = null;
        byte[] pub = null;
        try {
            if (files.isEmpty() == (es == null)) {
                throw new ParameterException(spec.commandLine(), "give either FILE... or --es URL --index NAME");
            }
            if (files.size() > 1 && files.stream().anyMatch(f -> f.toString().equals("-"))) {
                throw new ParameterException(spec.commandLine(), "- (standard input) cannot be combined with files");
            }
            if (es != null && index == null) {
                throw new ParameterException(spec.commandLine(), "--es needs --index NAME");
            }
            if (window < 1) {
                throw new ParameterException(spec.commandLine(), "--window must be at least 1");
            }
            if (keyOptions != null && keyOptions.keyHex != null) {
                k0 = Hex.decode(keyOptions.keyHex, 32, "--key");
            } else if (keyOptions != null) {
                VerificationKeyFile kf = VerificationKeyFile.read(keyOptions.keyFile);
                KeyFilePermissions.warning(keyOptions.keyFile, "redactd verify: warning: the key file")
                        .ifPresent(err::println);
                k0 = kf.k0();
                pub = kf.ed25519Public();
            }
            if (publicKeyHex != null) {
                pub = Hex.decode(publicKeyHex, 32, "--public-key");
            }
            source = files.isEmpty() ? searchSource() : fileSource();
        } catch (ParameterException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (NoSuchFileException e) {
            err.println("redactd verify: no such file: " + e.getFile());
            return 2;
        } catch (IOException | GeneralSecurityException e) {
            err.println("redactd verify: " + e.getMessage());
            return 2;
        }
        return run(source, k0, pub, noProgress ? Progress.none() : Progress.forTerminal(System.err));
    }

    int run(EventSource source, byte[] k0, byte[] pub, Progress progress) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // A search index is read in seq order by the query itself; a file's own order is evidence unless --unordered.
        StreamVerifier verifier = new StreamVerifier(k0, pub, unordered, window, stream, retained);
        try {
            if (!deadLetterFiles.isEmpty()) {
                verifier.deadLetters(DeadLetterInput.read(deadLetterFiles));
            }
            source.readAll(verifier, progress);
        } catch (NoSuchFileException e) {
            progress.finish();
            err.println("redactd verify: no such file: " + e.getFile());
            return 2;
        } catch (SearchIndexSource.SeqNotSortable e) {
            progress.finish();
            err.println("redactd verify: " + e.getMessage());
            return INDEX_NOT_SORTABLE;
        } catch (IOException e) {
            progress.finish();
            err.println("redactd verify: cannot read the stream: " + e.getMessage());
            return 2;
        }
        progress.finish();
        if (expectSeq > 0 && stream == null && verifier.streamCount() > 1) {
            err.println("redactd verify: --expect-seq needs --stream when the input holds " + verifier.streamCount()
                    + " streams");
            return 2;
        }
        VerifyReport report = verifier.finish(expectSeq);
        if (stream != null && verifier.streamCount() == 0 && verifier.skipped() > 0) {
            // A mistyped --stream is a usage error, not evidence that the stream was deleted.
            err.printf(Locale.ROOT, "redactd verify: no event of stream '%s' in the input (%,d events of other streams;"
                    + " run without --stream to list them)%n", stream, verifier.skipped());
            return 2;
        }
        report.print(out);
        out.flush();
        return report.exitCode();
    }

    /** The files in reading order, rotated siblings oldest first; the order is printed when there are several. */
    private EventSource fileSource() throws IOException {
        List<Path> all = new ArrayList<>(files);
        if (rotated) {
            for (Path f : files) {
                if (!f.toString().equals("-")) {
                    NdjsonFileSource.rotatedSiblings(f).stream().filter(p -> !all.contains(p)).forEach(all::add);
                }
            }
        }
        List<Path> ordered = NdjsonFileSource.rotationOrder(all);
        for (Path f : ordered) {
            if (!f.toString().equals("-") && !Files.exists(f)) {
                throw new NoSuchFileException(f.toString());
            }
        }
        if (ordered.size() > 1) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("files, read in this order (oldest first): "
                    + String.join(", ", ordered.stream().map(Path::toString).toList()));
        }
        return new NdjsonFileSource(ordered);
    }

    private EventSource searchSource() throws IOException, GeneralSecurityException {
        String auth = null;
        if (apiKeyFile != null) {
            auth = "ApiKey " + Files.readString(apiKeyFile, StandardCharsets.UTF_8).strip();
        } else if (user != null) {
            if (passwordFile == null) {
                throw new ParameterException(spec.commandLine(), "--user needs --password-file");
            }
            auth = SearchIndexSource.basicAuth(user, Files.readString(passwordFile, StandardCharsets.UTF_8).strip());
        }
        return new SearchIndexSource(es, index, auth, stream, caCert == null ? null : trusting(caCert));
    }

    private static SSLContext trusting(Path pem) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IOException("no certificate in " + pem);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
