package io.redactd.outputs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw-socket HTTP/1.1 server for a fault no well-behaved server library produces: it reads a request, answers the
 * status line, headers and the first {@code stallAfter} bytes of a body, then sends nothing more on that connection
 * (a half-dead proxy, an indexer in a GC pause). The first {@code stalls} requests are answered that way, later ones in
 * full. It records which stalled connections the client closed (read end-of-stream), so a test can tell a deadline
 * that gave the socket up from one that left it open.
 */
public final class StallingHttpServer implements AutoCloseable {
    private final ServerSocket server;
    private final String contentType;
    private final byte[] fullBody;
    private final int stallAfter;
    private final AtomicInteger stallsLeft;
    /** Requests read, stalled or not. */
    public final AtomicInteger requests = new AtomicInteger();
    /** Stalled connections the client has closed. */
    public final AtomicInteger stalledClosedByClient = new AtomicInteger();
    /** Request bodies answered in full. */
    public final List<byte[]> answeredBodies = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public StallingHttpServer(int stalls, String contentType, String fullBody, int stallAfter) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.contentType = contentType;
        this.fullBody = fullBody.getBytes(StandardCharsets.UTF_8);
        this.stallAfter = stallAfter;
        this.stallsLeft = new AtomicInteger(stalls);
        this.acceptor = new Thread(this::accept, "stalling-http-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread connection = new Thread(() -> serve(socket), "stalling-http-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        boolean stalled = false;
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                byte[] body = readRequest(in);
                if (body == null) {
                    return;
                }
                requests.incrementAndGet();
                String head = "HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nContent-Length: " + fullBody.length
                        + "\r\n\r\n";
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                if (stallsLeft.getAndDecrement() > 0) {
                    stalled = true;
                    out.write(fullBody, 0, Math.min(stallAfter, fullBody.length));
                    out.flush();
                    // Stall: send nothing more; wait for the client to give the connection up.
                    while (in.read() >= 0) {
                        // discard
                    }
                    stalledClosedByClient.incrementAndGet();
                    stalled = false;
                    return;
                }
                out.write(fullBody);
                out.flush();
                answeredBodies.add(body);
            }
        } catch (IOException e) {
            if (stalled) {
                stalledClosedByClient.incrementAndGet(); // reset by the client: the same as a close
            }
        }
    }

    /** The body of the next request (Content-Length framed), or null at end of stream. */
    private static byte[] readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return in.readNBytes(length);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
