package io.redactd.daemon.event;

/**
 * A JSON string value held as valid UTF-8 bytes (the redacted message), written without decoding to a String.
 *
 * @param bytes  the array
 * @param offset first byte
 * @param length byte count
 */
public record Utf8Text(byte[] bytes, int offset, int length) {
    public static Utf8Text of(byte[] bytes) {
        return new Utf8Text(bytes, 0, bytes.length);
    }
}
