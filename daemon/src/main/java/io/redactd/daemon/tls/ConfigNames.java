package io.redactd.daemon.tls;

import java.util.Locale;

/** The config spelling of the TLS enums: the constant's name in lower case, and the error naming every choice. */
final class ConfigNames {
    private ConfigNames() {
    }

    static String of(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException "expected a, b or c, got 'value'" */
    static <E extends Enum<E>> E parse(E[] constants, String value) {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < constants.length; i++) {
            if (of(constants[i]).equals(value)) {
                return constants[i];
            }
            expected.append(i == 0 ? "" : i == constants.length - 1 ? " or " : ", ").append(of(constants[i]));
        }
        throw new IllegalArgumentException("expected " + expected + ", got '" + value + "'");
    }
}
