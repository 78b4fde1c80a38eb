package io.redactd.daemon.input.file;

import io.redactd.daemon.pipeline.ContentValue;

import java.util.Map;

/**
 * The Kubernetes identity in a kubelet pod log path, {@code /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log}
 * (rotations add a suffix to the file name): {@code kubernetes.namespace}, {@code kubernetes.pod.name},
 * {@code kubernetes.pod.uid} and {@code kubernetes.container.name}, the names Filebeat and Elastic's integrations use.
 * Namespace and pod names cannot hold {@code _} (DNS labels), so the directory splits unambiguously. The values are
 * {@link ContentValue}s: whoever names a pod can put anything in its name, so they are redacted like the path.
 */
final class PodLogPath {
    private PodLogPath() {
    }

    /** The four fields, or an empty map when the path is not a pod log path. */
    static Map<String, Object> fields(String path) {
        int pods = path.indexOf("/pods/");
        if (pods < 0) {
            return Map.of();
        }
        String[] parts = path.substring(pods + "/pods/".length()).split("/");
        if (parts.length != 3 || parts[1].isEmpty()) {
            return Map.of();
        }
        String[] pod = parts[0].split("_");
        if (pod.length != 3 || pod[0].isEmpty() || pod[1].isEmpty() || pod[2].isEmpty()) {
            return Map.of();
        }
        return Map.of("kubernetes.namespace", new ContentValue(pod[0]),
                "kubernetes.pod.name", new ContentValue(pod[1]),
                "kubernetes.pod.uid", new ContentValue(pod[2]),
                "kubernetes.container.name", new ContentValue(parts[1]));
    }
}
