package io.redactd.daemon.tls;

/** A {@code listen:} value, {@code host:port} or {@code [v6]:port}. */
public record ListenAddress(String host, int port) {

    public static ListenAddress parse(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + ": required, e.g. \"0.0.0.0:6514\"");
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException(key + ": expected host:port, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": port is not a number in '" + value + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(key + ": port must be 0..65535, got " + port);
        }
        return new ListenAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
