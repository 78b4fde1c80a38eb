package io.redactd.daemon.alert;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;

/**
 * RFC 5424 messages: over UDP one datagram each, over TCP and TLS with octet-counting framing (RFC 6587 / 5425).
 * Facility local4 (20); the level follows the alert's severity. The message is the generic alert JSON.
 */
final class SyslogAlertTarget implements AlertTarget {
    static final int FACILITY_LOCAL4 = 20;
    private static final DateTimeFormatter TS = DateTimeFormatter.ISO_INSTANT.withZone(ZoneOffset.UTC);

    private final String id;
    private final String host;
    private final int port;
    private final String appName;
    private final String protocol;
    private final long timeoutMs;
    private NetClient net;
    private NetSocket socket;
    private DatagramSocket udp;

    SyslogAlertTarget(String id, Vertx vertx, AlertTargetConfig config) {
        this.id = id;
        this.host = config.host();
        this.port = config.port();
        this.appName = config.appName();
        this.protocol = config.protocol();
        this.timeoutMs = config.timeoutDuration().toMillis();
        if (protocol.equals("udp")) {
            udp = vertx.createDatagramSocket();
        } else {
            NetClientOptions o = new NetClientOptions().setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs));
            if (protocol.equals("tls")) {
                o.setSsl(true);
                if (config.tls().verifyHostname()) {
                    o.setHostnameVerificationAlgorithm("HTTPS");
                }
                if (config.tls().caFile() != null) {
                    o.setTrustOptions(new PemTrustOptions().addCertPath(config.tls().caFile()));
                }
            }
            net = vertx.createNetClient(o);
        }
    }

    @Override
    public String id() {
        return id;
    }

    /** One RFC 5424 line: {@code <PRI>1 TIMESTAMP HOST APP - MSGID [SD] MSG}. */
    static String format(Alert a, String appName) {
        int pri = FACILITY_LOCAL4 * 8 + a.severity().syslogLevel();
        String msg = new String(AlertPayloads.bytes(AlertPayloads.generic(a)), StandardCharsets.UTF_8);
        return "<" + pri + ">1 " + TS.format(a.timestamp()) + " " + field(a.host()) + " " + field(appName) + " - "
                + "PHI_" + a.kind().name() + " [redactd@32473 id=\"" + a.id() + "\" kind=\"" + a.kind().wire()
                + "\" count=\"" + a.count() + "\" types=\"" + String.join(",", a.types()) + "\"] " + msg;
    }

    /** PRINTUSASCII without spaces, at most 48 characters; '-' when empty. */
    private static String field(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 48; i++) {
            char c = s.charAt(i);
            sb.append(c > 32 && c < 127 ? c : '_');
        }
        return sb.toString();
    }

    @Override
    public Future<Void> send(Alert alert) {
        byte[] line = format(alert, appName).getBytes(StandardCharsets.UTF_8);
        if (udp != null) {
            return udp.send(Buffer.buffer(line), port, host).mapEmpty();
        }
        Buffer framed = Buffer.buffer(line.length + 8).appendString(line.length + " ").appendBytes(line);
        return connected().compose(s -> s.write(framed)).recover(e -> {
            // Drop the connection so the retry reconnects.
            if (socket != null) {
                socket.close();
                socket = null;
            }
            return Future.failedFuture(new DeliveryException(e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), false));
        });
    }

    private Future<NetSocket> connected() {
        if (socket != null) {
            return Future.succeededFuture(socket);
        }
        return net.connect(port, host).onSuccess(s -> {
            socket = s;
            s.closeHandler(v -> {
                if (socket == s) {
                    socket = null;
                }
            });
            // A syslog server sends nothing back; drain whatever it does.
            s.handler(b -> { });
        });
    }

    @Override
    public Future<Void> close() {
        if (udp != null) {
            return udp.close();
        }
        return net.close();
    }
}
