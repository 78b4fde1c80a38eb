package io.redactd.detectors.testing;

import io.redactd.detectors.Action;
import io.redactd.detectors.CustomDetector;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Fluent test construction of {@link DetectionSettings} (the record itself stays minimal). */
public record Settings(DetectionSettings s) {
    public static Settings of(EngineChoice engine) {
        return new Settings(DetectionSettings.defaults().withEngine(engine));
    }

    public Settings withActions(Map<String, Action> actions) {
        return new Settings(new DetectionSettings(s.engine(), s.enabledTypes(), s.disabledTypes(), actions, s.custom(),
                s.fieldRules(), s.tokenKey(), s.tokenKeyId()));
    }

    public Settings withTokenKey(byte[] key, String id) {
        return new Settings(new DetectionSettings(s.engine(), s.enabledTypes(), s.disabledTypes(), s.actions(),
                s.custom(), s.fieldRules(), key, id));
    }

    public Settings withFieldRules(Map<String, String> rules) {
        return new Settings(new DetectionSettings(s.engine(), s.enabledTypes(), s.disabledTypes(), s.actions(),
                s.custom(), rules, s.tokenKey(), s.tokenKeyId()));
    }

    public Settings withCustom(List<CustomDetector> custom) {
        return new Settings(new DetectionSettings(s.engine(), s.enabledTypes(), s.disabledTypes(), s.actions(), custom,
                s.fieldRules(), s.tokenKey(), s.tokenKeyId()));
    }

    public Settings withDisabledTypes(Set<String> types) {
        return new Settings(new DetectionSettings(s.engine(), s.enabledTypes(), types, s.actions(), s.custom(),
                s.fieldRules(), s.tokenKey(), s.tokenKeyId()));
    }

    public Settings withEnabledTypes(Set<String> types) {
        return new Settings(new DetectionSettings(s.engine(), types, s.disabledTypes(), s.actions(), s.custom(),
                s.fieldRules(), s.tokenKey(), s.tokenKeyId()));
    }
}
