package io.redactd.detectors.redact;

import java.io.OutputStream;
import java.util.Arrays;

/** A growable byte buffer reused across lines, so steady-state redaction does not allocate output arrays. */
final class ByteBuf extends OutputStream {
    private byte[] bytes;
    private int length;

    ByteBuf(int capacity) {
        bytes = new byte[capacity];
    }

    void reset() {
        length = 0;
    }

    byte[] array() {
        return bytes;
    }

    int length() {
        return length;
    }

    private void ensure(int extra) {
        if (length + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
    }

    @Override
    public void write(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, bytes, length, len);
        length += len;
    }

    void writeAscii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            bytes[length++] = (byte) s.charAt(i);
        }
    }
}
