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
 * Exit 0 intact, 1 tampered, 2 usage or I/O error.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify a forwarded stream: every event's hash, the links between them, and every checkpoint's "
                + "MAC (with the verification key from `redactd keygen`). Reports the first modified, inserted, "
                + "deleted, duplicated or reordered event by seq and how far the stream is sealed."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:intact", "1:tampered (the findings name the seq)", "2:usage or I/O error"})
public final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FILE",
            description = "NDJSON file (the file output, or a SIEM export); - for standard input")
    Path file;

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

    @Option(names = "--es", paramLabel = "URL", description = "read from Elasticsearch/OpenSearch at URL instead")
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

    @Option(names = "--no-progress", description = "no progress bar, even on a terminal")
    boolean noProgress;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        EventSource source;
        byte[] k0 = null;
        byte[] pub = null;
        try {
            if ((file == null) == (es == null)) {
                throw new ParameterException(spec.commandLine(), "give either FILE or --es URL --index NAME");
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
                k0 = kf.k0();
                pub = kf.ed25519Public();
            }
            if (publicKeyHex != null) {
                pub = Hex.decode(publicKeyHex, 32, "--public-key");
            }
            source = file != null ? new NdjsonFileSource(file) : searchSource();
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
        StreamVerifier verifier = new StreamVerifier(k0, pub, unordered, window, stream);
        try {
            source.readAll(verifier, progress);
        } catch (NoSuchFileException e) {
            progress.finish();
            err.println("redactd verify: no such file: " + e.getFile());
            return 2;
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
