package io.redactd.detectors.validate;

import java.util.List;
import java.util.Map;

/** The built-in validators by the names used in config ({@code validator: luhn}) and listings. */
public final class Validators {
    public static final Validator LUHN = new LuhnValidator();
    public static final Validator SSN = new SsnValidator();
    public static final Validator NANP_PHONE = new NanpPhoneValidator();
    public static final Validator CREDIT_CARD = new CreditCardValidator();
    public static final Validator NPI = new NpiValidator();
    public static final Validator DEA = new DeaValidator();
    public static final Validator MBI = new MbiValidator();
    public static final Validator IBAN = new IbanValidator();
    public static final Validator VIN = new VinValidator();
    public static final Validator IPV4 = new Ipv4Validator();
    public static final Validator IPV6 = new Ipv6Validator();
    public static final Validator DATE = new DateValidator();

    private static final Map<String, Validator> BY_NAME = Map.ofEntries(
            Map.entry("none", Validator.NONE),
            Map.entry("luhn", LUHN),
            Map.entry("ssn", SSN),
            Map.entry("phone", NANP_PHONE),
            Map.entry("credit_card", CREDIT_CARD),
            Map.entry("npi", NPI),
            Map.entry("dea", DEA),
            Map.entry("mbi", MBI),
            Map.entry("iban", IBAN),
            Map.entry("vin", VIN),
            Map.entry("ipv4", IPV4),
            Map.entry("ipv6", IPV6),
            Map.entry("date", DATE));

    private Validators() {
    }

    /** The validator of that name; IllegalArgumentException naming the valid choices when there is none. */
    public static Validator byName(String name) {
        Validator v = name == null ? Validator.NONE : BY_NAME.get(name);
        if (v == null) {
            throw new IllegalArgumentException("unknown validator '" + name + "'; valid: " + names());
        }
        return v;
    }

    /** Valid validator names, sorted. */
    public static List<String> names() {
        return BY_NAME.keySet().stream().sorted().toList();
    }
}
