package io.redactd.detectors.validate;

/**
 * IPv6 address in full or compressed text form (RFC 4291 section 2.2, without an embedded IPv4 tail): groups of 1-4
 * hex digits separated by single colons, at most one {@code ::}, exactly eight groups without it and at most seven
 * with it. Also requires at least one decimal digit, which keeps {@code Class::method}-style tokens made of hex
 * letters (cafe::add) out while every real address, including ::1 and fe80::, passes.
 */
public final class Ipv6Validator implements Validator {
    @Override
    public boolean valid(byte[] buf, int start, int end) {
        int groups = 0;
        int groupLen = 0;
        boolean compressed = false;
        boolean decimal = false;
        for (int i = start; i < end; i++) {
            byte b = buf[i];
            if (b == ':') {
                if (i + 1 < end && buf[i + 1] == ':') {
                    if (compressed) {
                        return false;
                    }
                    compressed = true;
                    if (groupLen > 0) {
                        groups++;
                    }
                    groupLen = 0;
                    i++;
                    if (i + 1 < end && buf[i + 1] == ':') {
                        return false;
                    }
                    continue;
                }
                // a single colon must separate two groups
                if (groupLen == 0 || i + 1 == end) {
                    return false;
                }
                groups++;
                groupLen = 0;
            } else if (hex(b)) {
                if (++groupLen > 4) {
                    return false;
                }
                decimal |= Digits.isDigit(b);
            } else {
                return false;
            }
        }
        if (groupLen > 0) {
            groups++;
        }
        return decimal && (compressed ? groups <= 7 : groups == 8);
    }

    private static boolean hex(byte b) {
        return Digits.isDigit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }
}
