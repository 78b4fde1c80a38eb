package io.redactd.daemon.config;

import io.redactd.daemon.input.Input;
import io.redactd.daemon.input.http.HttpInputConfig;
import io.redactd.daemon.input.syslog.SyslogInputConfig;
import io.redactd.daemon.tls.ListenAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks across sections that no two TCP listeners (syslog and HTTP inputs, the admin listener) take one port. Vert.x
 * shares a port between servers of one process and hands them its connections in turn, so two inputs on one address
 * both start and each gets every other connection: HEC clients would see 200, 404, 200... with no error anywhere.
 * Port 0 (any free port) never clashes; UDP listeners are another namespace.
 */
final class ListenPorts {
    private record Listener(ListenAddress address, String path) {
    }

    private ListenPorts() {
    }

    static void check(List<ConfiguredComponent<?, Input>> inputs, List<Integer> inputIndexes, AdminConfig admin,
                      ConfigBinder binder) {
        List<Listener> seen = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Object config = inputs.get(i).config();
            String listen = config instanceof SyslogInputConfig s ? s.listen()
                    : config instanceof HttpInputConfig h ? h.listen() : null;
            if (listen == null) {
                continue;
            }
            add(seen, listen, ConfigTree.child(ConfigTree.index("inputs", inputIndexes.get(i)), "listen"), binder);
        }
        if (admin != null && Boolean.TRUE.equals(admin.enabled())) {
            add(seen, admin.listen(), "admin.listen", binder);
        }
    }

    private static void add(List<Listener> seen, String listen, String path, ConfigBinder binder) {
        ListenAddress address;
        try {
            address = ListenAddress.parse(listen, path);
        } catch (IllegalArgumentException notAnAddress) {
            return; // reported by the component's own validation
        }
        if (address.port() == 0) {
            return;
        }
        for (Listener other : seen) {
            if (other.address().port() == address.port()
                    && (sameHost(other.address().host(), address.host()) || wildcard(other.address().host())
                    || wildcard(address.host()))) {
                binder.report(path, "port " + address.port() + " is also taken by " + other.path()
                        + ": two listeners on one port would each get every other connection; give each its own port");
                return;
            }
        }
        seen.add(new Listener(address, path));
    }

    private static boolean sameHost(String a, String b) {
        return a.equalsIgnoreCase(b) || loopback(a) && loopback(b);
    }

    private static boolean loopback(String host) {
        return host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost") || host.equals("::1");
    }

    private static boolean wildcard(String host) {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("*");
    }
}
