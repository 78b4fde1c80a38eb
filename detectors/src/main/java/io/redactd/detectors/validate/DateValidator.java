package io.redactd.detectors.validate;

/**
 * A calendar date as written in records: YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY, DD.MM.YYYY, M/D/YY, YYYYMMDD, or with a
 * month name (Mar 3, 1980 / 3 March 1980). Checks ranges only (month 1-12, day 1-31, four-digit years 1900-2099);
 * day/month order is ambiguous in the wild, so either order is accepted.
 */
public final class DateValidator implements Validator {
    @Override
    public boolean valid(byte[] buf, int start, int end) {
        int f0 = -1;
        int f1 = -1;
        int f2 = -1;
        int l0 = 0;
        int l2 = 0;
        int fields = 0;
        int cur = 0;
        int len = 0;
        boolean letters = false;
        for (int i = start; i <= end; i++) {
            byte b = i < end ? buf[i] : (byte) ' ';
            if (Digits.isDigit(b)) {
                cur = len < 8 ? cur * 10 + (b - '0') : cur;
                len++;
                continue;
            }
            if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z')) {
                letters = true;
            }
            if (len > 0) {
                if (fields == 0) {
                    f0 = cur;
                    l0 = len;
                } else if (fields == 1) {
                    f1 = cur;
                } else if (fields == 2) {
                    f2 = cur;
                    l2 = len;
                }
                fields++;
                cur = 0;
                len = 0;
            }
        }
        if (letters) {
            // month name plus day and year, in either order
            return fields == 2 && (day(f0) && year(f1) || year(f0) && day(f1));
        }
        if (fields == 1 && l0 == 8) {
            int y = f0 / 10000;
            int m = f0 / 100 % 100;
            int d = f0 % 100;
            return year(y) && month(m) && day(d) || month(f0 / 1000000) && day(f0 / 10000 % 100) && year(f0 % 10000);
        }
        if (fields != 3) {
            return false;
        }
        if (l0 == 4) {
            return year(f0) && month(f1) && day(f2);
        }
        if (l0 > 2 || !(l2 == 4 && year(f2) || l2 == 2)) {
            return false;
        }
        return month(f0) && day(f1) || day(f0) && month(f1);
    }

    private static boolean year(int y) {
        return y >= 1900 && y <= 2099;
    }

    private static boolean month(int m) {
        return m >= 1 && m <= 12;
    }

    private static boolean day(int d) {
        return d >= 1 && d <= 31;
    }
}
