package io.redactd.daemon.integrity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;

/** Describes a JSON parse error by kind and position only: the event text may be PHI-adjacent, so no excerpt. */
final class JsonErrors {
    private JsonErrors() {
    }

    static String describe(Exception e) {
        if (e instanceof JsonProcessingException jpe) {
            JsonLocation loc = jpe.getLocation();
            String msg = jpe.getOriginalMessage();
            // Jackson quotes the offending token in its message ("Unrecognized token 'abc'"); keep only the kind.
            int quote = msg == null ? -1 : msg.indexOf('\'');
            String kind = msg == null ? "parse error" : (quote > 0 ? msg.substring(0, quote).strip() : firstLine(msg));
            return kind + (loc != null && loc.getByteOffset() >= 0 ? " at byte " + loc.getByteOffset() : "");
        }
        return e.getClass().getSimpleName();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 120 ? line.substring(0, 120) : line;
    }
}
