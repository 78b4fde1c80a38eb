package io.redactd.daemon.input.syslog;

import io.redactd.daemon.pipeline.ContentValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.pipeline.RawBatch;
import io.redactd.daemon.pipeline.RawEvent;
import io.redactd.daemon.tls.ClientAuthMode;
import io.redactd.daemon.tls.ExternalProcess;
import io.redactd.daemon.tls.RecordingSink;
import io.redactd.daemon.tls.TestPki;
import io.redactd.daemon.tls.TlsConfig;
import io.redactd.daemon.tls.TlsEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The syslog input against real clients: openssl s_client, logger, rsyslogd, and JDK TLS sockets. */
class SyslogInputTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static Vertx vertx;
    private static TestPki pki;
    private static TestPki.Issued serverCert;

    @TempDir
    static Path shared;

    private final List<SyslogInput> started = new ArrayList<>();
    private final RecordingSink sink = new RecordingSink();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @BeforeAll
    static void setUp() throws IOException {
        vertx = Vertx.vertx();
        pki = new TestPki(Files.createDirectories(shared.resolve("pki")));
        serverCert = pki.server("server");
    }

    @AfterAll
    static void tearDown() throws Exception {
        await(vertx.close());
    }

    @AfterEach
    void stopInputs() throws Exception {
        // The sink records a batch when it is submitted, so a test that holds acknowledgements can end with its last
        // batches still held; stop() waits for every batch in flight.
        sink.hold(false);
        sink.release();
        for (SyslogInput input : started) {
            await(input.stop());
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static SyslogInputConfig config(TlsConfig tls, boolean insecure, Integer maxConnections, Integer idleSecs,
                                            Integer handshakeSecs, Integer maxBatch, Integer maxInflight, Boolean udp) {
        return new SyslogInputConfig("127.0.0.1:0", tls, insecure, udp, null, "app-logs",
                maxConnections, 4096, idleSecs, handshakeSecs, maxBatch, maxInflight);
    }

    private SyslogInput start(SyslogInputConfig config) throws Exception {
        SyslogInput input = new SyslogInput(config, new ComponentContext("syslog-test", vertx, sink, shared, metrics));
        await(input.start());
        started.add(input);
        return input;
    }

    private SyslogInput startTls() throws Exception {
        return start(config(TlsConfig.of(serverCert.cert().toString(), serverCert.key().toString()), false,
                null, null, null, null, null, null));
    }

    private static String counted(String message) {
        return message.getBytes(StandardCharsets.UTF_8).length + " " + message;
    }

    private static ExternalProcess.Result sClient(int port, String stdin, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-CAfile", pki.ca().toString(), "-verify_return_error", "-brief", "-no_ign_eof"));
        cmd.addAll(List.of(args));
        return ExternalProcess.run(cmd, stdin.getBytes(StandardCharsets.UTF_8), 20);
    }

    @Test
    void tls13AndTls12ClientsDeliverOctetCountedRfc5424() throws Exception {
        SyslogInput input = startTls();
        String m1 = "<165>1 2026-03-10T11:00:00.250Z ehr-01 billing 4242 ID47 [origin ip=\"10.0.0.1\"] over tls13";
        ExternalProcess.Result tls13 = sClient(input.port(), counted(m1), "-tls1_3");
        assertThat(tls13.stderr()).contains("Protocol version: TLSv1.3");
        ExternalProcess.Result tls12 = sClient(input.port(), counted("<13>1 - h a - - - over tls12"), "-tls1_2");
        assertThat(tls12.stderr()).contains("Protocol version: TLSv1.2").containsPattern("Ciphersuite: ECDHE-RSA-(AES\\d+-GCM|CHACHA20)");

        List<String> messages = sink.awaitMessages(2, WAIT);
        assertThat(messages).containsExactlyInAnyOrder("[origin ip=\"10.0.0.1\"] over tls13", "over tls12");
        RawEvent first = sink.events().stream().filter(e -> e.fields().containsKey("log.syslog.msgid")).findFirst().orElseThrow();
        assertThat(first.fields()).containsEntry("log.syslog.hostname", new ContentValue("ehr-01"))
                .containsEntry("log.syslog.appname", new ContentValue("billing")).containsEntry("log.syslog.procid", new ContentValue("4242"))
                .containsEntry("log.syslog.msgid", new ContentValue("ID47")).containsEntry("log.syslog.priority", 165L)
                .containsEntry("log.syslog.facility.code", 20L).containsEntry("log.syslog.severity.code", 5L)
                .containsEntry("event.dataset", "app-logs").containsEntry("source.ip", "127.0.0.1");
        assertThat(first.timestampMs()).isEqualTo(java.time.Instant.parse("2026-03-10T11:00:00.250Z").toEpochMilli());
    }

    @Test
    void connectionsAreSpreadOverTheListenersEventLoopsAndEachKeepsItsOrder() throws Exception {
        SyslogInput input = new SyslogInput(config(TlsConfig.of(serverCert.cert().toString(), serverCert.key().toString()),
                false, null, null, null, null, null, null), new ComponentContext("syslog-test", vertx, sink, shared, metrics))
                .eventLoops(3);
        await(input.start());
        started.add(input);
        int connections = 6;
        int perConnection = 50;
        List<SSLSocket> sockets = new ArrayList<>();
        try {
            for (int c = 0; c < connections; c++) {
                sockets.add(tlsSocket(input.port()));
            }
            for (int c = 0; c < connections; c++) {
                StringBuilder frames = new StringBuilder();
                for (int i = 0; i < perConnection; i++) {
                    frames.append(counted("<13>1 - h a - - - conn " + c + " msg " + i));
                }
                write(sockets.get(c), frames.toString());
            }
            sink.awaitMessages(connections * perConnection, WAIT);
        } finally {
            for (SSLSocket socket : sockets) {
                socket.close();
            }
        }
        Map<String, List<String>> bySource = new HashMap<>();
        for (RawBatch batch : sink.batches()) {
            for (RawEvent e : batch.events()) {
                bySource.computeIfAbsent(batch.sourceId(), k -> new ArrayList<>())
                        .add(new String(e.message(), StandardCharsets.UTF_8));
            }
        }
        assertThat(bySource).hasSize(connections);
        for (List<String> messages : bySource.values()) {
            String conn = messages.get(0).substring(0, messages.get(0).indexOf(" msg "));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perConnection; i++) {
                expected.add(conn + " msg " + i);
            }
            assertThat(messages).containsExactlyElementsOf(expected);
        }
        // one port, several event loops: Vert.x hands the connections to the servers in turn
        assertThat(sink.submittingThreads()).hasSizeGreaterThanOrEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"OPENSSL", "JDK"})
    void legacyProtocolsAndWeakSuitesAreRefused(TlsEngine engine) throws Exception {
        SyslogInput input = start(config(TlsConfig.of(serverCert.cert().toString(), serverCert.key().toString())
                .withEngine(engine), false, null, null, null, null, null, null));
        String[][] refused = {
                {"-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"},
                {"-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"},
                {"-tls1_2", "-cipher", "AES128-SHA"},
                {"-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA"},
                {"-tls1_2", "-cipher", "ECDHE-RSA-AES256-SHA384"},
                {"-tls1_2", "-cipher", "AES128-GCM-SHA256"},
                {"-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256"},
        };
        for (String[] args : refused) {
            ExternalProcess.Result result = sClient(input.port(), counted("<13>1 - h a - - - must not arrive"), args);
            assertThat(result.exitCode()).as(String.join(" ", args)).isNotZero();
            assertThat(result.stderr()).as(String.join(" ", args)).doesNotContain("CONNECTION ESTABLISHED");
        }
        for (String suite : List.of("ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305")) {
            ExternalProcess.Result ok = sClient(input.port(), counted("<13>1 - h a - - - " + suite), "-tls1_2", "-cipher", suite);
            assertThat(ok.stderr()).as(suite).contains("Ciphersuite: " + suite);
        }
        assertThat(sink.awaitMessages(3, WAIT)).allMatch(m -> m.startsWith("ECDHE-RSA-"));
    }

    @Test
    void rsyslogForwardsOverTlsWithOctetCounting(@TempDir Path work) throws Exception {
        SyslogInput input = startTls();
        Path socket = work.resolve("log.sock");
        Path conf = work.resolve("rsyslog.conf");
        Files.writeString(conf, String.join("\n",
                "global(workDirectory=\"" + work + "\" defaultNetstreamDriverCAFile=\"" + pki.ca() + "\")",
                "module(load=\"imuxsock\" SysSock.Use=\"off\")",
                "input(type=\"imuxsock\" Socket=\"" + socket + "\" CreatePath=\"on\")",
                "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"" + input.port() + "\" protocol=\"tcp\"",
                "       StreamDriver=\"ossl\" StreamDriverMode=\"1\" StreamDriverAuthMode=\"x509/name\"",
                "       StreamDriverPermittedPeers=\"localhost\" TCP_Framing=\"octet-counted\"",
                "       template=\"RSYSLOG_SyslogProtocol23Format\")",
                ""));
        String binary = Files.isExecutable(Path.of("/usr/sbin/rsyslogd")) ? "/usr/sbin/rsyslogd" : "rsyslogd";
        Process rsyslogd = new ProcessBuilder(binary, "-n", "-f", conf.toString(), "-i", work.resolve("pid").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("rsyslogd.out").toFile()).start();
        try {
            RecordingSink.await(() -> Files.exists(socket), WAIT, "rsyslogd did not create its socket");
            for (int i = 1; i <= 3; i++) {
                ExternalProcess.Result logger = ExternalProcess.run(List.of("logger", "-u", socket.toString(),
                        "-t", "ehr", "admission " + i), null, 10);
                assertThat(logger.exitCode()).as(logger.stderr()).isZero();
            }
            // rsyslog's %msg% keeps the space that followed the tag; the trailing LF of its template is dropped
            List<String> messages = sink.awaitMessages(3, WAIT);
            assertThat(messages).containsExactly(" admission 1", " admission 2", " admission 3");
            assertThat(sink.events()).allSatisfy(e -> assertThat(e.fields())
                    .containsEntry("log.syslog.appname", new ContentValue("ehr")).containsEntry("log.syslog.version", "1"));
            // one forwarding connection = one ordered source
            assertThat(sink.batches().stream().map(b -> b.sourceId()).distinct()).hasSize(1);
        } finally {
            rsyslogd.destroy();
            rsyslogd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void loggerOverPlaintextTcpWhenInsecure() throws Exception {
        SyslogInput input = start(config(null, true, null, null, null, null, null, null));
        for (String framing : List.of("--octet-count", "--rfc3164")) {
            ExternalProcess.Result logger = ExternalProcess.run(List.of("logger", "--tcp", "-n", "127.0.0.1",
                    "-P", String.valueOf(input.port()), "-t", "lab", framing, "result ready " + framing), null, 10);
            assertThat(logger.exitCode()).as(logger.stderr()).isZero();
        }
        // logger's RFC 5424 mode adds structured data; it is part of the message the redactor scans
        assertThat(sink.awaitMessages(2, WAIT)).containsExactlyInAnyOrder(
                "[timeQuality tzKnown=\"1\" isSynced=\"0\"] result ready --octet-count", "result ready --rfc3164");
        assertThat(sink.events()).allSatisfy(e -> assertThat(e.fields()).containsEntry("log.syslog.appname", new ContentValue("lab")));
    }

    @Test
    void plaintextWithoutInsecureIsRefusedAtConfig() {
        SyslogInputConfig plain = config(null, false, null, null, null, null, null, null);
        assertThat(plain.validate()).anyMatch(p -> p.path().equals("tls") && p.message().startsWith("required"));
        assertThatThrownBy(() -> new SyslogInput(plain, new ComponentContext("syslog-test", vertx, sink, shared, metrics)))
                .hasMessageStartingWith("inputs[syslog-test]: tls: required");
    }

    @Test
    void udpOnlyWhenEnabledAndEachDatagramIsAMessage() throws Exception {
        SyslogInput input = start(config(null, true, null, null, null, 5, 1, true));
        sink.hold(true);
        try (DatagramSocket udp = new DatagramSocket()) {
            byte[] datagram = "<14>Mar 10 10:00:00 pump01 infusion: rate changed\n".getBytes(StandardCharsets.UTF_8);
            udp.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), input.udpPort()));
            RecordingSink.await(() -> sink.heldCount() == 1, WAIT, "first datagram not submitted");
            // the UDP source is at its in-flight bound: datagrams cannot be paused; the batch being filled takes
            // max_batch_events (5) more, the rest are dropped and counted
            for (int i = 0; i < 20; i++) {
                byte[] more = ("<14>1 - pump01 infusion - - - more " + i).getBytes(StandardCharsets.UTF_8);
                udp.send(new DatagramPacket(more, more.length, InetAddress.getLoopbackAddress(), input.udpPort()));
            }
            RecordingSink.await(() -> metrics.get("redactd.syslog.udp.dropped").counter().count() == 15, WAIT,
                    "drops not counted");
        }
        assertThat(sink.heldCount()).as("still one batch in flight").isEqualTo(1);
        RecordingSink.await(() -> {
            sink.release();
            return sink.events().size() == 6;
        }, WAIT, "the kept batch was not handed on once the first was acknowledged");
        assertThat(sink.messages()).containsExactly("rate changed", "more 0", "more 1", "more 2", "more 3", "more 4");
        assertThat(sink.events().get(0).fields()).containsEntry("log.syslog.hostname", new ContentValue("pump01"));
        SyslogInput tcpOnly = start(config(null, true, null, null, null, null, null, null));
        assertThat(tcpOnly.udpPort()).isEqualTo(-1);
    }

    /**
     * bb8-inputs HIGH-1: a burst of datagrams while idle (each read in its own event-loop turn) made a batch of one
     * each, filled the in-flight bound (4) after 4 datagrams and dropped the rest: {@code logger -d -f} with 50 lines
     * delivered 16. With acknowledgements held back (a pipeline slower than the burst), all 50 now wait in the batch
     * being filled and nothing is dropped.
     */
    @Test
    void udpBurstWhileTheBoundIsReachedIsKeptNotDropped() throws Exception {
        SyslogInput input = start(config(null, true, null, null, null, null, null, true)); // defaults: 4 x 512
        sink.hold(true);
        try (DatagramSocket udp = new DatagramSocket()) {
            for (int i = 0; i < 50; i++) {
                byte[] d = ("<14>1 2026-12-07T10:00:00Z pump01 infusion - - - L50-" + i + " logger file\n")
                        .getBytes(StandardCharsets.UTF_8);
                udp.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), input.udpPort()));
            }
            RecordingSink.await(() -> sink.heldCount() >= 1, WAIT, "no datagram submitted");
            RecordingSink.await(() -> {
                sink.release();
                return sink.events().size() >= 50
                        || metrics.get("redactd.syslog.udp.dropped").counter().count() > 0;
            }, WAIT, "the burst did not arrive");
        }
        assertThat(metrics.get("redactd.syslog.udp.dropped").counter().count()).isZero();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("L50-" + i + " logger file");
        }
        assertThat(sink.messages()).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"OPENSSL", "JDK"})
    void certificateRotationKeepsConnectedClientsAndServesTheNewCertificate(TlsEngine engine, @TempDir Path dir)
            throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Files.copy(serverCert.cert(), cert);
        Files.copy(serverCert.key(), key);
        TlsConfig tls = new TlsConfig(cert.toString(), key.toString(), null, ClientAuthMode.NONE, List.of(), 1, engine);
        SyslogInput input = start(config(tls, false, null, null, null, null, null, null));
        try (SSLSocket before = tlsSocket(input.port())) {
            BigInteger firstSerial = TestPki.serial(before);
            write(before, counted("<13>1 - h a - - - before rotation"));
            sink.awaitMessages(1, WAIT);

            TestPki.Issued next = pki.serverPkcs8Ec("server-next"); // also switches RSA -> ECDSA
            Files.copy(next.key(), dir.resolve("tls.key.new"));
            Files.copy(next.cert(), dir.resolve("tls.crt.new"));
            Files.move(dir.resolve("tls.key.new"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(dir.resolve("tls.crt.new"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            BigInteger expected = TestPki.serial(next.cert());
            RecordingSink.await(() -> serialOfNewConnection(input.port()).equals(expected), WAIT,
                    "new connections never saw the rotated certificate");
            assertThat(expected).isNotEqualTo(firstSerial);

            write(before, counted("<13>1 - h a - - - after rotation on the old connection"));
            assertThat(sink.awaitMessages(2, WAIT)).contains("after rotation on the old connection");
            assertThat(metrics.get("redactd.tls.reloads").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void serverKeysInPkcs1AndSec1FormatsAreAccepted() throws Exception {
        TestPki.Issued ec = pki.serverEc("server-ec");
        Path pkcs1 = pki.toPkcs1(serverCert.key());
        assertThat(Files.readString(pkcs1)).contains("BEGIN RSA PRIVATE KEY");
        assertThat(Files.readString(ec.key())).contains("BEGIN EC PRIVATE KEY");
        for (TlsConfig tls : List.of(TlsConfig.of(serverCert.cert().toString(), pkcs1.toString()),
                TlsConfig.of(ec.cert().toString(), ec.key().toString()))) {
            SyslogInput input = start(config(tls, false, null, null, null, null, null, null));
            try (SSLSocket socket = tlsSocket(input.port())) {
                write(socket, counted("<13>1 - h a - - - key " + tls.key()));
            }
        }
        assertThat(sink.awaitMessages(2, WAIT)).hasSize(2);
        ExternalProcess.Result ecdsa = sClient(started.get(1).port(), counted("<13>1 - h a - - - ecdsa"), "-tls1_2");
        assertThat(ecdsa.stderr()).contains("Ciphersuite: ECDHE-ECDSA-");
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"OPENSSL", "JDK"})
    void mutualTlsAdmitsAllowedClientsAndRefusesOthers(TlsEngine engine, @TempDir Path dir) throws Exception {
        TestPki.Issued allowed = pki.client("allowed", "ehr-forwarder");
        TestPki.Issued intruder = pki.client("intruder", "someone-else");
        TestPki stranger = TestPki.other(Files.createDirectories(dir.resolve("other-ca")));
        TestPki.Issued foreign = stranger.client("foreign", "ehr-forwarder");
        TlsConfig tls = new TlsConfig(serverCert.cert().toString(), serverCert.key().toString(), pki.ca().toString(),
                ClientAuthMode.REQUIRED, List.of("ehr-forwarder"), null, engine);
        SyslogInput input = start(config(tls, false, null, null, null, null, null, null));

        sClient(input.port(), counted("<13>1 - h a - - - from allowed"), "-cert", allowed.cert().toString(),
                "-key", allowed.key().toString());
        sClient(input.port(), counted("<13>1 - h a - - - from intruder"), "-cert", intruder.cert().toString(),
                "-key", intruder.key().toString());
        sClient(input.port(), counted("<13>1 - h a - - - from foreign ca"), "-cert", foreign.cert().toString(),
                "-key", foreign.key().toString());
        sClient(input.port(), counted("<13>1 - h a - - - without certificate"));
        sClient(input.port(), counted("<13>1 - h a - - - from allowed again"), "-cert", allowed.cert().toString(),
                "-key", allowed.key().toString());

        assertThat(sink.awaitMessages(2, WAIT)).containsExactlyInAnyOrder("from allowed", "from allowed again");
        RecordingSink.await(() -> metrics.get("redactd.tls.clients.refused").counter().count() == 1.0, WAIT,
                "the intruder was not counted as refused");
        assertThat(sink.messages()).hasSize(2);
    }

    @Test
    void backPressureBoundsBatchesInFlightAndLosesNothing() throws Exception {
        sink.hold(true);
        SyslogInput input = start(config(null, true, null, null, null, 10, 2, null));
        int total = 3000;
        Thread writer = new Thread(() -> {
            try (Socket socket = new Socket("127.0.0.1", input.port())) {
                OutputStream out = socket.getOutputStream();
                for (int i = 0; i < total; i++) {
                    out.write(("<13>1 - h a - - - event " + i + "\n").getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                socket.shutdownOutput();
                socket.getInputStream().read();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        RecordingSink.await(() -> sink.heldCount() == 2, WAIT, "pipeline never filled");
        while (sink.events().size() < total) {
            RecordingSink.await(() -> sink.heldCount() > 0 || sink.events().size() >= total, WAIT, "input stalled");
            sink.release();
        }
        assertThat(sink.maxHeld()).isEqualTo(2);
        List<String> messages = sink.messages();
        assertThat(messages).hasSize(total);
        for (int i = 0; i < total; i++) {
            assertThat(messages.get(i)).isEqualTo("event " + i);
        }
        writer.join(10_000);
    }

    @Test
    void senderThatClosesWhileItsSocketIsPausedLosesNothing() throws Exception {
        sink.hold(true);
        SyslogInput plain = start(config(null, true, null, null, null, 10, 1, null));
        SyslogInput tls = start(config(TlsConfig.of(serverCert.cert().toString(), serverCert.key().toString()), false,
                null, null, null, 10, 1, null));
        int total = 2000;
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < total; i++) {
            data.append(counted("<13>1 - h a - - - closing " + i));
        }
        byte[] bytes = data.toString().getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", plain.port())) {
            socket.getOutputStream().write(bytes);
        }
        try (SSLSocket socket = tlsSocket(tls.port())) {
            socket.getOutputStream().write(bytes);
        }
        while (sink.events().size() < 2 * total) {
            RecordingSink.await(() -> sink.heldCount() > 0 || sink.events().size() >= 2 * total, WAIT,
                    "input stalled at " + sink.events().size());
            sink.release();
        }
        assertThat(sink.messages()).hasSize(2 * total).filteredOn(m -> m.equals("closing " + (total - 1))).hasSize(2);
        assertThat(metrics.get("redactd.input.errors").tag("reason", "truncated").counter().count()).isZero();
    }

    @Test
    void aSenderWritingOneTlsRecordPerMessageStillFillsBatches() throws Exception {
        // loggen-style: every message its own TLS record. While the pipeline holds the first batch, the records pile
        // up; once it is released they must leave as a few full batches, not one batch per record.
        sink.hold(true);
        SyslogInput input = start(config(TlsConfig.of(serverCert.cert().toString(), serverCert.key().toString()), false,
                null, null, null, 100, 1, null));
        int total = 2000;
        Thread writer = new Thread(() -> {
            try (SSLSocket socket = tlsSocket(input.port())) {
                for (int i = 0; i < total; i++) {
                    write(socket, counted("<13>1 - h a - - - record " + i)); // write + flush: one record each
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        RecordingSink.await(() -> sink.heldCount() == 1, WAIT, "first batch never arrived");
        while (sink.events().size() < total) {
            RecordingSink.await(() -> sink.heldCount() > 0 || sink.events().size() >= total, WAIT,
                    "input stalled at " + sink.events().size());
            sink.release();
        }
        List<String> messages = sink.messages();
        assertThat(messages).hasSize(total);
        for (int i = 0; i < total; i++) {
            assertThat(messages.get(i)).isEqualTo("record " + i);
        }
        // Mostly full batches of 100; a turn whose reads run dry before 100 closes a smaller one. One batch per
        // record (the old behaviour) would be 2000.
        List<Integer> sizes = sink.batches().stream().map(b -> b.events().size()).toList();
        assertThat(sizes.size()).as("batches (first sizes %s)", sizes.subList(0, Math.min(20, sizes.size())))
                .isLessThan(total / 20);
        writer.join(WAIT.toMillis());
    }

    @Test
    void connectionLimitIdleTimeoutAndHandshakeTimeoutCloseSockets() throws Exception {
        SyslogInput plain = start(config(null, true, 2, 1, null, null, null, null));
        try (Socket a = new Socket("127.0.0.1", plain.port()); Socket b = new Socket("127.0.0.1", plain.port())) {
            RecordingSink.await(() -> gauge("redactd.input.connections") == 2, WAIT, "two connections not seen");
            try (Socket third = new Socket("127.0.0.1", plain.port())) {
                assertClosedByServer(third);
            }
            assertThat(metrics.get("redactd.input.connections.refused").counter().count()).isEqualTo(1.0);
            assertClosedByServer(a); // idle_timeout_secs: 1
        }
        SyslogInput tls = start(config(TlsConfig.of(serverCert.cert().toString(), serverCert.key().toString()), false,
                null, null, 1, null, null, null));
        try (Socket slowloris = new Socket("127.0.0.1", tls.port())) {
            slowloris.getOutputStream().write(0x16); // first byte of a TLS record, then nothing
            assertClosedByServer(slowloris);
        }
    }

    @Test
    void malformedFramesAreCountedAndTheConnectionCarriesOn() throws Exception {
        SyslogInput input = start(config(null, true, null, null, null, null, null, null));
        try (Socket socket = new Socket("127.0.0.1", input.port())) {
            OutputStream out = socket.getOutputStream();
            out.write((counted("<13>1 - h a - - - one") + "12x junk " + counted("<13>1 - h a - - - two")
                    + "99999 " + "z".repeat(99999) + counted("<13>1 - h a - - - three")).getBytes(StandardCharsets.UTF_8));
            out.flush();
            // "12x junk" may be the end of "one" (a count too short): it stays with it, never cut off. "two" is
            // followed by an oversize count whose body is no frame's: nothing vouches for its end, so it is handed on
            // as counted but flagged, with the bytes after it as redaction context
            assertThat(sink.awaitMessages(3, WAIT)).containsExactly("one12x junk", "two", "three");
        }
        assertThat(sink.events().get(1).fields().get("log.flags")).isEqualTo(List.of("syslog_count_suspect"));
        assertThat(metrics.get("redactd.input.errors").tag("reason", "bad_octet_count").counter().count())
                .isEqualTo(1.0);
        assertThat(metrics.get("redactd.input.errors").tag("reason", "frame_too_large").counter().count())
                .isEqualTo(1.0);
        assertThat(metrics.get("redactd.input.errors").tag("reason", "octet_count_suspect").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void hugeBogusOctetCountCostsOnlyItsOwnFrame() throws Exception {
        SyslogInput input = start(config(null, true, null, null, null, null, null, null));
        try (Socket socket = new Socket("127.0.0.1", input.port())) {
            OutputStream out = socket.getOutputStream();
            out.write((counted("<13>1 - h a - - - one") + "99999999 <13>1 - h a - - - header corrupted"
                    + counted("<13>1 - h a - - - two") + counted("<13>1 - h a - - - three"))
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(sink.awaitMessages(3, WAIT)).containsExactly("one", "two", "three");
        }
        assertThat(metrics.get("redactd.input.errors").tag("reason", "bad_octet_count").counter().count())
                .isEqualTo(1.0);
        assertThat(metrics.get("redactd.input.errors").tag("reason", "frame_too_large").counter().count())
                .isZero();
    }

    @Test
    void connectionResetsAreCountedEachButLoggedOncePerSecond() throws Exception {
        SyslogInput input = start(config(null, true, null, null, null, null, null, null));
        try (io.redactd.daemon.tls.LogCapture log = new io.redactd.daemon.tls.LogCapture()) {
            resetConnections(input, 50);
            // One reset at a time (each counted before the next) until the throttle, whose window is a second, lets
            // a second line through: that line reports what it held back.
            java.util.regex.Pattern line = java.util.regex.Pattern.compile("reset by the peer.*?; (\\d+) similar suppressed");
            int total = 50;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (line.matcher(log.text()).results().count() < 2) {
                assertThat(System.nanoTime()).as("a second line within " + WAIT).isLessThan(deadline);
                resetConnections(input, 1);
                total++;
            }
            List<Long> suppressed = line.matcher(log.text()).results().map(m -> Long.parseLong(m.group(1))).toList();
            assertThat(suppressed).as(log.text()).hasSizeBetween(2, 3); // at most one line a second
            long reported = suppressed.stream().mapToLong(n -> n + 1).sum(); // each line: itself and those it held
            assertThat(reported).isBetween(50L, (long) total);
            assertThat(metrics.get("redactd.input.errors").tag("reason", "connection_reset").counter().count())
                    .isEqualTo(total);
        }
    }

    /** Opens {@code n} connections and aborts them with a TCP RST, as a client process that exits does. */
    private void resetConnections(SyslogInput input, int n) throws Exception {
        double before = metrics.get("redactd.input.errors").tag("reason", "connection_reset").counter().count();
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sockets.add(new Socket("127.0.0.1", input.port()));
        }
        RecordingSink.await(() -> gauge("redactd.input.connections") == n, WAIT, "connections not accepted");
        for (Socket socket : sockets) {
            socket.setSoLinger(true, 0);
            socket.close();
        }
        RecordingSink.await(() -> metrics.get("redactd.input.errors").tag("reason", "connection_reset").counter()
                .count() == before + n, WAIT, "resets not counted");
    }

    @Test
    void failedTlsHandshakeIsLoggedWithoutWhatThePeerSent() throws Exception {
        SyslogInput input = startTls();
        try (io.redactd.daemon.tls.LogCapture log = new io.redactd.daemon.tls.LogCapture()) {
            for (int i = 0; i < 5; i++) {
                try (Socket socket = new Socket("127.0.0.1", input.port())) {
                    socket.getOutputStream().write(("<13>CANARY-PLAINTEXT-" + "x".repeat(600) + "\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    assertClosedByServer(socket);
                }
            }
            RecordingSink.await(() -> log.text().contains("failed before it was accepted"), WAIT,
                    "no line for the failed handshakes");
            assertThat(log.text().split("failed before it was accepted", -1)).hasSizeLessThanOrEqualTo(3);
            assertThat(log.text()).doesNotContain("CANARY");
        }
    }

    private double gauge(String name) {
        return metrics.get(name).gauge().value();
    }

    private static void assertClosedByServer(Socket socket) throws IOException {
        socket.setSoTimeout(5000);
        InputStream in = socket.getInputStream();
        int read;
        try {
            read = in.read();
        } catch (java.net.SocketException reset) {
            read = -1;
        }
        assertThat(read).as("server should close the connection").isEqualTo(-1);
    }

    private static void write(SSLSocket socket, String data) throws IOException {
        socket.getOutputStream().write(data.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private static SSLSocket tlsSocket(int port) throws Exception {
        return pki.connect(port);
    }

    private static BigInteger serialOfNewConnection(int port) {
        try (SSLSocket socket = tlsSocket(port)) {
            return TestPki.serial(socket);
        } catch (Exception e) {
            return BigInteger.ZERO;
        }
    }
}
