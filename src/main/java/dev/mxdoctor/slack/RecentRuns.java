package dev.mxdoctor.slack;

import dev.mxdoctor.diagnosis.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Each user's latest runs, for the App Home tab, kept in memory and bounded (the shared history, with its
 * database, replaces this).
 */
final class RecentRuns {

    static final int PER_USER = 20;

    record Run(String commandLine, Verdict.Status status, String summary, Instant started) {}

    private final Map<String, Deque<Run>> byUser = new ConcurrentHashMap<>();

    void add(String user, Run run) {
        Deque<Run> runs = byUser.computeIfAbsent(user, u -> new ConcurrentLinkedDeque<>());
        runs.addFirst(run);
        while (runs.size() > PER_USER) {
            runs.pollLast();
        }
    }

    List<Run> of(String user) {
        return new ArrayList<>(byUser.getOrDefault(user, new ConcurrentLinkedDeque<>()));
    }
}
