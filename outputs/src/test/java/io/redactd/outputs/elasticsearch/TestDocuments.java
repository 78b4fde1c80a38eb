package io.redactd.outputs.elasticsearch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Synthetic ECS documents as the pipeline would hand them over: already redacted. */
final class TestDocuments {
    /** A synthetic SSN valid by the SSA rules (area 219, group 09, serial 9999): it must never reach an index. */
    static final String RAW_SSN = "219-09-9999";

    private TestDocuments() {
    }

    /** Stands in for the redactor: the raw line has the SSN, the forwarded document has the mask. */
    static byte[] redacted(int seq, String timestamp, String run) {
        String raw = "patient " + RAW_SSN + " admitted to ward " + (seq % 40);
        String message = raw.replace(RAW_SSN, "[REDACTED:SSN]");
        return ("{\"@timestamp\":\"" + timestamp + "\",\"message\":\"" + message + "\",\"run\":\"" + run
                + "\",\"seq\":" + seq + ",\"host\":{\"name\":\"ward-7\"},\"chain\":{\"seq\":" + seq
                + ",\"hash\":\"h" + Integer.toHexString(seq * 31 + 7) + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    static List<byte[]> batch(int from, int count, String timestamp, String run) {
        List<byte[]> documents = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            documents.add(redacted(i, timestamp, run));
        }
        return documents;
    }
}
