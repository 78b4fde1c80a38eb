package io.redactd.daemon.tls;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The {@code allowed_clients} check made after a successful handshake: the client's leaf certificate must carry one
 * of the listed names as subject CN or as a DNS, email, URI or IP subject-alternative name. Names compare
 * case-insensitively and exactly (no wildcards: an allow-list entry names one identity).
 */
public final class ClientAllowList {
    private static final Set<Integer> SAN_TYPES = Set.of(1, 2, 6, 7); // rfc822Name, dNSName, URI, iPAddress

    private final Set<String> allowed;

    public ClientAllowList(Collection<String> names) {
        this.allowed = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    public boolean isEmpty() {
        return allowed.isEmpty();
    }

    public boolean admits(X509Certificate leaf) {
        return identities(leaf).stream().anyMatch(id -> allowed.contains(id.toLowerCase(Locale.ROOT)));
    }

    /** The subject CNs and usable SANs of a certificate, for matching and for the refusal log line. */
    public static List<String> identities(X509Certificate cert) {
        List<String> ids = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    ids.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            // an unparsable subject simply contributes no CN; SANs may still match
        }
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && san.get(0) instanceof Integer type && SAN_TYPES.contains(type)
                            && san.get(1) instanceof String value) {
                        ids.add(value);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // malformed SAN extension: only the CN is considered
        }
        return ids;
    }

    /** The leaf certificate of a peer chain, or null when the chain is empty or not X.509. */
    public static X509Certificate leaf(Certificate[] chain) {
        return chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
    }
}
