package io.redactd.daemon.systemd;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks systemd's notification protocol (sd_notify(3)): one datagram per state change to the
 * AF_UNIX socket named by {@code $NOTIFY_SOCKET}.
 *
 * <p>Why Netty's epoll transport: the JDK (17) offers unix-domain sockets only as streams, and
 * the notify socket is SOCK_DGRAM. Vert.x already brings Netty, whose native epoll transport has
 * {@link EpollDomainDatagramChannel}. The alternative, running {@code systemd-notify} per message,
 * would need {@code NotifyAccess=all} (the message would come from a child, not the main PID),
 * a fork every watchdog period, and the binary inside every image. Sending from our own process
 * keeps systemd's default {@code NotifyAccess=main}. The native library is loaded only when
 * {@code $NOTIFY_SOCKET} is set, so Kubernetes and CLI runs never touch it.
 *
 * <p>Failures to notify are logged and reported as {@code false}, never thrown: a missed
 * notification must not stop a daemon that is otherwise working (systemd will act on its own
 * timeouts). Messages carry only fixed protocol fields, never event data.
 */
public final class SystemdNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);
    private static final long SEND_TIMEOUT_MILLIS = 2_000;

    private final String socketPath;
    private final Duration watchdogInterval;
    private EventLoopGroup group;
    private Channel channel;

    private SystemdNotifier(String socketPath, Duration watchdogInterval) {
        this.socketPath = socketPath;
        this.watchdogInterval = watchdogInterval;
    }

    /** A notifier for this process's environment; disabled (every call a no-op) outside systemd. */
    public static SystemdNotifier fromEnvironment() {
        return fromEnvironment(System.getenv(), ProcessHandle.current().pid());
    }

    /**
     * Reads {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC} and {@code WATCHDOG_PID} as sd_notify(3)
     * and sd_watchdog_enabled(3) define them.
     *
     * @throws IllegalArgumentException if a variable is set but malformed
     */
    public static SystemdNotifier fromEnvironment(Map<String, String> env, long ownPid) {
        String socket = env.get("NOTIFY_SOCKET");
        String path = null;
        if (socket != null && !socket.isEmpty()) {
            if (socket.charAt(0) == '@') {
                // Linux abstract namespace: the name starts with a NUL byte instead of '@'.
                path = '\0' + socket.substring(1);
            } else if (socket.charAt(0) == '/') {
                path = socket;
            } else {
                throw new IllegalArgumentException(
                        "NOTIFY_SOCKET must be an absolute path or start with '@' (abstract socket)");
            }
        }
        return new SystemdNotifier(path, watchdogInterval(env, ownPid));
    }

    private static Duration watchdogInterval(Map<String, String> env, long ownPid) {
        String usec = env.get("WATCHDOG_USEC");
        if (usec == null || usec.isEmpty()) {
            return null;
        }
        String watchdogPid = env.get("WATCHDOG_PID");
        if (watchdogPid != null && !watchdogPid.isEmpty()
                && parsePositive("WATCHDOG_PID", watchdogPid) != ownPid) {
            return null; // the watchdog belongs to another process (e.g. a wrapper script)
        }
        // Ping at half the timeout, as sd_watchdog_enabled(3) recommends.
        return Duration.ofNanos(parsePositive("WATCHDOG_USEC", usec) * 1_000 / 2);
    }

    private static long parsePositive(String name, String value) {
        try {
            long parsed = Long.parseLong(value);
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive integer");
    }

    /** True when running under systemd with a notify socket. */
    public boolean isEnabled() {
        return socketPath != null;
    }

    /** How often to call {@link #watchdog()}: half of {@code WatchdogSec}, if systemd set one for us. */
    public Optional<Duration> watchdogInterval() {
        return isEnabled() ? Optional.ofNullable(watchdogInterval) : Optional.empty();
    }

    /** Inputs and outputs are up (also ends a reload). */
    public boolean ready() {
        return send("READY=1");
    }

    /** Proof of life, sent every {@link #watchdogInterval()} while the pipeline is healthy. */
    public boolean watchdog() {
        return send("WATCHDOG=1");
    }

    /**
     * A reload (SIGHUP) has begun; follow with {@link #ready()} when it is done. MONOTONIC_USEC is
     * required by systemd's Type=notify-reload (v253+) and harmless before it. System.nanoTime()
     * is CLOCK_MONOTONIC on Linux, the clock systemd compares with.
     */
    public boolean reloading() {
        return send("RELOADING=1\nMONOTONIC_USEC=" + TimeUnit.NANOSECONDS.toMicros(System.nanoTime()));
    }

    /** Shutdown has begun: systemd stops waiting for READY/WATCHDOG. */
    public boolean stopping() {
        return send("STOPPING=1");
    }

    /** A one-line status shown by {@code systemctl status}; pass counts and states only, never event text. */
    public boolean status(String text) {
        return send("STATUS=" + text.replace('\n', ' '));
    }

    private synchronized boolean send(String message) {
        if (!isEnabled()) {
            return false;
        }
        try {
            Channel ch = channel();
            ChannelFuture sent = ch.writeAndFlush(new DomainDatagramPacket(
                    Unpooled.copiedBuffer(message, StandardCharsets.UTF_8),
                    new DomainSocketAddress(socketPath)));
            if (!sent.await(SEND_TIMEOUT_MILLIS) || !sent.isSuccess()) {
                LOG.warn("sd_notify {} not delivered: {}", field(message),
                        sent.cause() == null ? "timed out" : sent.cause().toString());
                return false;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("sd_notify {} not delivered: {}", field(message), e.toString());
            return false;
        }
    }

    private Channel channel() throws InterruptedException {
        if (channel == null) {
            if (!Epoll.isAvailable()) {
                throw new IllegalStateException("netty epoll transport unavailable: " + Epoll.unavailabilityCause());
            }
            // One daemon thread; it idles between messages.
            group = new MultiThreadIoEventLoopGroup(1,
                    new DefaultThreadFactory("systemd-notify", true), EpollIoHandler.newFactory());
            channel = new Bootstrap()
                    .group(group)
                    .channel(EpollDomainDatagramChannel.class)
                    // Unbound and unconnected, the channel still sends to explicit addresses.
                    .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
                    .handler(new ChannelInboundHandlerAdapter())
                    .register()
                    .sync()
                    .channel();
        }
        return channel;
    }

    private static String field(String message) {
        int eq = message.indexOf('=');
        return eq < 0 ? message : message.substring(0, eq);
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(SEND_TIMEOUT_MILLIS);
            channel = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(SEND_TIMEOUT_MILLIS);
            group = null;
        }
    }
}
