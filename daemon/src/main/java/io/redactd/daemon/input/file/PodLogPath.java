package io.redactd.daemon.input.file;

import io.redactd.daemon.pipeline.ContentValue;

/**
 * The Kubernetes identity in a kubelet pod log path, {@code /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log}
 * (rotations add a suffix to the file name): {@code kubernetes.namespace}, {@code kubernetes.pod.name},
 * {@code kubernetes.pod.uid} and {@code kubernetes.container.name}, the names Filebeat and Elastic's integrations use.
 * Namespace and pod names cannot hold {@code _} (DNS labels), so the directory splits unambiguously. The values are
 * {@link ContentValue}s: whoever names a pod can put anything in its name, so they are redacted like the path.
 */
record PodLogPath(ContentValue namespace, ContentValue podName, ContentValue podUid, ContentValue container) {

    /** The identity in {@code path}, or null when it is not a pod log path. */
    static PodLogPath of(String path) {
        int pods = path.indexOf("/pods/");
        if (pods < 0) {
            return null;
        }
        String[] parts = path.substring(pods + "/pods/".length()).split("/");
        if (parts.length != 3 || parts[1].isEmpty()) {
            return null;
        }
        String[] pod = parts[0].split("_");
        if (pod.length != 3 || pod[0].isEmpty() || pod[1].isEmpty() || pod[2].isEmpty()) {
            return null;
        }
        return new PodLogPath(new ContentValue(pod[0]), new ContentValue(pod[1]), new ContentValue(pod[2]),
                new ContentValue(parts[1]));
    }
}
