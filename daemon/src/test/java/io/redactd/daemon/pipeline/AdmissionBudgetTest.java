package io.redactd.daemon.pipeline;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdmissionBudgetTest {
    @Test
    void saturatesAtTheHighMarkAndResumesOnlyAtTheLowMark() {
        AdmissionBudget budget = new AdmissionBudget(1000, 400);
        AtomicInteger resumed = new AtomicInteger();
        budget.acquire(600);
        assertThat(budget.saturated()).isFalse();
        assertThat(budget.room()).isEqualTo(400);
        assertThat(budget.awaitRoom(resumed::incrementAndGet)).as("not saturated: read on").isFalse();

        budget.acquire(400);
        assertThat(budget.saturated()).isTrue();
        assertThat(budget.room()).isZero();
        assertThat(budget.awaitRoom(resumed::incrementAndGet)).isTrue();
        assertThat(budget.awaitRoom(resumed::incrementAndGet)).isTrue();

        budget.release(500); // 500: below the high mark, still above the low one
        assertThat(budget.saturated()).isTrue();
        assertThat(budget.room()).as("no room until the low mark").isZero();
        assertThat(resumed).hasValue(0);

        budget.release(100); // 400: the low mark
        assertThat(budget.saturated()).isFalse();
        assertThat(resumed).as("each waiting callback once; the one refused earlier never").hasValue(2);
        assertThat(budget.waiting()).isZero();
        assertThat(budget.room()).isEqualTo(600);

        budget.release(400);
        assertThat(budget.used()).isZero();
        assertThat(resumed).hasValue(2);
    }

    @Test
    void aResumeCallbackMayChargeAndWaitAgain() {
        AdmissionBudget budget = new AdmissionBudget(100, 10);
        List<String> log = new ArrayList<>();
        budget.acquire(100);
        budget.awaitRoom(() -> {
            // An input that reads a big batch as soon as it resumes saturates the budget again and waits again:
            // callbacks run outside the budget's lock, and the list they were taken from is no longer the live one.
            budget.acquire(150);
            log.add("resumed, waiting again: " + budget.awaitRoom(() -> log.add("second resume")));
        });
        budget.release(95);
        assertThat(log).containsExactly("resumed, waiting again: true");
        budget.release(150);
        assertThat(log).containsExactly("resumed, waiting again: true", "second resume");
        assertThat(budget.used()).isEqualTo(5);
        budget.release(5);
        assertThat(budget.used()).isZero();
    }

    @Test
    void oneBatchLargerThanTheWholeBudgetStillPasses() {
        // Never refused: a batch already read must go on, or its reader would hold it forever.
        AdmissionBudget budget = new AdmissionBudget(100, 50);
        budget.acquire(5_000);
        assertThat(budget.saturated()).isTrue();
        budget.release(5_000);
        assertThat(budget.saturated()).isFalse();
        assertThat(budget.used()).isZero();
    }

    @Test
    void chargesFromManyThreadsBalanceToZeroAndWakeEveryWaiter() throws Exception {
        AdmissionBudget budget = new AdmissionBudget(3_000, 1_000);
        int threads = 8;
        int rounds = 5_000;
        AtomicInteger registered = new AtomicInteger();
        AtomicInteger resumed = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            new Thread(() -> {
                for (int i = 0; i < rounds; i++) {
                    // five charges at once saturate it even when a thread runs alone
                    for (int k = 0; k < 5; k++) {
                        budget.acquire(700);
                        if (budget.awaitRoom(resumed::incrementAndGet)) {
                            registered.incrementAndGet();
                        }
                    }
                    for (int k = 0; k < 5; k++) {
                        budget.release(700);
                    }
                }
                done.countDown();
            }).start();
        }
        done.await();
        assertThat(budget.used()).isZero();
        assertThat(budget.saturated()).isFalse();
        assertThat(registered.get()).as("the budget did saturate now and then").isPositive();
        assertThat(resumed).as("no waiter is left behind").hasValue(registered.get());
    }

    @Test
    void theDefaultIsAShareOfTheHeapAndMarksAreChecked() {
        assertThat(AdmissionBudget.defaultHighWater(512L << 20)).isEqualTo(64L << 20);
        assertThat(AdmissionBudget.defaultHighWater(8L << 20)).isEqualTo(AdmissionBudget.MIN_HIGH_WATER);
        AdmissionBudget derived = AdmissionBudget.of(null, null);
        assertThat(derived.highWater()).isEqualTo(AdmissionBudget.defaultHighWater(Runtime.getRuntime().maxMemory()));
        assertThat(derived.lowWater()).isEqualTo(derived.highWater() / 2);
        assertThat(AdmissionBudget.of(8L << 20, 1L << 20).lowWater()).isEqualTo(1L << 20);
        assertThatThrownBy(() -> new AdmissionBudget(100, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AdmissionBudget(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBatchCostsItsMessagesPlusAFixedChargePerEvent() {
        RawBatch batch = new RawBatch("s", "in", List.of(
                new RawEvent(new byte[100], 0, java.util.Map.of(), 1),
                new RawEvent(new byte[0], 0, java.util.Map.of(), 2)));
        assertThat(AdmissionBudget.cost(batch)).isEqualTo(100 + 2L * AdmissionBudget.EVENT_OVERHEAD_BYTES);
    }
}
