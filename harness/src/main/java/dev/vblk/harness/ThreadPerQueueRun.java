package dev.vblk.harness;

import dev.vblk.session.DriverSession;
import dev.vblk.workload.Step;
import dev.vblk.workload.Workload;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Performs a workload's steps with a thread per device or request queue: the steps for each device or
 * queue run, in their order, on a thread of their own, all those threads at once; the {@code device}
 * and {@code queue} steps only say which thread a step goes to. Each thread's steps are performed by a
 * {@link WorkloadRunner} of its own.
 */
final class ThreadPerQueueRun {

    private ThreadPerQueueRun() {
    }

    /**
     * Performs the steps with a thread per device or request queue: the steps for one run in order on
     * its thread, the threads at once. A step on a device or queue the scan did not find reaches no
     * thread and fails, as in {@link WorkloadRunner#run}. Each thread waits for the calls it left
     * submitted; those waits come after the workload's steps in the results, in the order the threads
     * were first named.
     *
     * @throws IllegalArgumentException if the workload has a {@code reset} step
     *     ({@link RecordRun#threadPerQueueRefusal})
     * @throws WorkloadRunner.StoppedRun if a step failed in a way that stops the run (the first
     *     thread's to fail so, once every thread has ended)
     */
    static WorkloadRunner.Outcome run(DriverSession session, Workload workload, Consumer<StepResult> onStep,
            ReadSink reads) {
        RecordRun.threadPerQueueRefusal(workload).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
        WorkloadRunner.Shared shared = new WorkloadRunner.Shared(reads, onStep);
        WorkloadRunner selections = new WorkloadRunner(session, shared);
        Map<String, Lane> lanes = new LinkedHashMap<>();
        List<Step> steps = workload.steps();
        for (int index = 0; index < steps.size(); index++) {
            Step step = steps.get(index);
            if (selections.selects(step) || selections.deviceMissing().or(selections::queueMissing).isPresent()) {
                selections.performAndTell(index, step);
            } else {
                lanes.computeIfAbsent(selections.selectedName(), name -> new Lane(selections.on(shared)))
                        .steps().put(index, step);
            }
        }
        List<Thread> threads = new ArrayList<>();
        int waitIndex = steps.size();
        for (Map.Entry<String, Lane> entry : lanes.entrySet()) {
            Lane lane = entry.getValue();
            int finalWait = waitIndex++;
            Thread thread = new Thread(() -> lane.run(finalWait), "vblk-" + entry.getKey());
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            joinUninterruptibly(thread);
        }
        List<WorkloadRunner> runners = new ArrayList<>(List.of(selections));
        for (Lane lane : lanes.values()) {
            if (lane.failure() != null) {
                throw lane.failure();
            }
            runners.add(lane.runner());
        }
        return merged(runners, steps.size());
    }

    /** One thread's part of a run: the steps for one device or queue, by index, and what stopped it. */
    private static final class Lane {
        private final WorkloadRunner runner;
        private final Map<Integer, Step> steps = new LinkedHashMap<>();
        private RuntimeException failure;

        Lane(WorkloadRunner runner) {
            this.runner = runner;
        }

        WorkloadRunner runner() {
            return runner;
        }

        Map<Integer, Step> steps() {
            return steps;
        }

        RuntimeException failure() {
            return failure;
        }

        /** Performs the steps, then waits for the calls left submitted as step {@code finalWait}. */
        void run(int finalWait) {
            try {
                steps.forEach(runner::performAndTell);
                for (String device : runner.submittedOn()) {
                    runner.waitForOutstanding(finalWait, device);
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The outcome of several runners' steps: their results in step order, the waits after the
     * workload's {@code stepCount} steps numbered on from it.
     */
    private static WorkloadRunner.Outcome merged(List<WorkloadRunner> runners, int stepCount) {
        List<StepResult> results = new ArrayList<>();
        int operations = 0;
        int failures = 0;
        long dataBytes = 0;
        for (WorkloadRunner runner : runners) {
            WorkloadRunner.Outcome outcome = runner.outcome();
            results.addAll(outcome.results());
            operations += outcome.operations();
            failures += outcome.failures();
            dataBytes += outcome.dataBytes();
        }
        results.sort(Comparator.comparingInt(StepResult::index));
        for (int i = stepCount; i < results.size(); i++) {
            StepResult wait = results.get(i);
            results.set(i, new StepResult(i, wait.step(), wait.device(), wait.failure()));
        }
        return new WorkloadRunner.Outcome(results, operations, failures, dataBytes);
    }
}
