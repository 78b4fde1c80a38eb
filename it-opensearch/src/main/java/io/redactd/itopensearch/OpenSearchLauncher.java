package io.redactd.itopensearch;

import org.codelibs.opensearch.runner.OpenSearchRunner;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one OpenSearch node until the process is terminated. Arguments: data/home directory, HTTP port, transport port.
 * The ports are fixed by the caller and set explicitly, so a port in use fails the start instead of being probed
 * past. Prints {@code OPENSEARCH STARTED} once the node is up (tests still wait on cluster health over HTTP).
 */
public final class OpenSearchLauncher {
    private OpenSearchLauncher() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        String home = args[0];
        int httpPort = Integer.parseInt(args[1]);
        int transportPort = Integer.parseInt(args[2]);
        OpenSearchRunner runner = new OpenSearchRunner();
        // The runner probes upward from baseHttpPort to maxHttpPort; a range of exactly one port turns that into a check.
        runner.setMaxHttpPort(httpPort);
        runner.onBuild((index, settings) -> {
            settings.put("http.port", httpPort);
            settings.put("transport.port", transportPort);
            settings.put("network.host", "127.0.0.1");
            settings.put("discovery.type", "single-node");
            settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
            settings.put("action.auto_create_index", true);
            settings.put("http.compression", true);
        });
        runner.build(OpenSearchRunner.newConfigs().basePath(home).numOfNode(1).clusterName("redactd-it")
                .baseHttpPort(httpPort - 1).printOnFailure());
        System.out.println("OPENSEARCH STARTED");
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (IOException e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }));
        stopped.await();
    }
}
