package io.redactd.daemon.input.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link ConnectionIdle} and {@link PipelineHealth} on a clock the test moves (nanoseconds, no waiting). */
class IdleAndHealthClockTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aConnectionExpiresOneTimeoutAfterItLastHadNoRequestInProgress() {
        ConnectionIdle idle = new ConnectionIdle(10 * S, 0);
        assertThat(ConnectionIdle.tickMillis(10_000)).isEqualTo(1_000);
        assertThat(ConnectionIdle.tickMillis(500)).isEqualTo(100);
        assertThat(idle.expired(10 * S - 1)).isFalse();
        assertThat(idle.expired(10 * S)).as("trickling headers since connect: the first check past 1x closes").isTrue();

        ConnectionIdle busy = new ConnectionIdle(10 * S, 0);
        busy.requestStarted();
        assertThat(busy.expired(60 * S)).as("a request in progress has its own deadline").isFalse();
        busy.requestFinished(60 * S);
        assertThat(busy.expired(69 * S)).isFalse();
        assertThat(busy.expired(70 * S)).isTrue();
        busy.requestStarted();
        busy.requestStarted(); // pipelined
        busy.requestFinished(75 * S);
        assertThat(busy.expired(200 * S)).isFalse();
        busy.requestFinished(80 * S);
        assertThat(busy.expired(89 * S)).isFalse();
        assertThat(busy.expired(90 * S)).isTrue();
    }

    @Test
    void unhealthyWhileARequestWaitsTooLongOrRightAfterARefusal() {
        PipelineHealth health = new PipelineHealth(5 * S, 3 * S);
        assertThat(health.problem(0)).isNull();
        long a = health.submitted(0);
        long b = health.submitted(4 * S);
        assertThat(health.waiting()).isEqualTo(2);
        assertThat(health.problem(5 * S - 1)).isNull();
        assertThat(health.problem(5 * S)).contains("waited 5000 ms");
        health.settled(a, true, 6 * S);
        assertThat(health.problem(6 * S)).as("b has waited 2 s only").isNull();
        assertThat(health.problem(9 * S)).isNotNull();
        health.settled(b, false, 10 * S);
        assertThat(health.waiting()).isZero();
        assertThat(health.problem(12 * S)).isEqualTo("the pipeline refused a request");
        assertThat(health.problem(13 * S)).as("a refusal counts for the hold time only").isNull();

        health.settled(health.submitted(20 * S), false, 20 * S);
        health.settled(health.submitted(21 * S), true, 21 * S);
        assertThat(health.problem(21 * S)).as("acknowledged since the refusal").isNull();
    }
}
