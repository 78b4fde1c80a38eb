package io.redactd.daemon.tls;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.vertx.core.http.ClientAuth;

/** Whether a listener asks for client certificates ({@code tls.client_auth}). */
public enum ClientAuthMode {
    NONE(ClientAuth.NONE),
    OPTIONAL(ClientAuth.REQUEST),
    REQUIRED(ClientAuth.REQUIRED);

    private final ClientAuth vertx;

    ClientAuthMode(ClientAuth vertx) {
        this.vertx = vertx;
    }

    ClientAuth vertx() {
        return vertx;
    }

    @JsonValue
    public String configName() {
        return ConfigNames.of(this);
    }

    @JsonCreator
    public static ClientAuthMode fromConfig(String value) {
        return ConfigNames.parse(values(), value);
    }
}
