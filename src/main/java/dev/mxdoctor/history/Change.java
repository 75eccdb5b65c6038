package dev.mxdoctor.history;

import java.util.List;

/**
 * One difference between a run and the previous run of the same query. Each has an {@link #inverse()}: what the
 * same difference is when the two runs are taken the other way round.
 */
sealed interface Change {

    Change inverse();

    /**
     * The change in words, with the previous run's start ({@code then}) and this run's ({@code now}) as HH:mm.
     */
    String describe(String then, String now);

    record Verdict(String before, String after) implements Change {
        @Override
        public Change inverse() {
            return new Verdict(after, before);
        }

        @Override
        public String describe(String then, String now) {
            return "verdict " + before + " → " + after + " (it was " + before + " at " + then + ")";
        }
    }

    record HostAdded(String host) implements Change {
        @Override
        public Change inverse() {
            return new HostRemoved(host);
        }

        @Override
        public String describe(String then, String now) {
            return "MX host added: " + host;
        }
    }

    record HostRemoved(String host) implements Change {
        @Override
        public Change inverse() {
            return new HostAdded(host);
        }

        @Override
        public String describe(String then, String now) {
            return "MX host removed: " + host;
        }
    }

    record Addresses(String host, List<String> before, List<String> after) implements Change {
        public Addresses {
            before = List.copyOf(before);
            after = List.copyOf(after);
        }

        @Override
        public Change inverse() {
            return new Addresses(host, after, before);
        }

        @Override
        public String describe(String then, String now) {
            return host + " addresses " + words(before) + " → " + words(after);
        }

        private static String words(List<String> addresses) {
            return addresses.isEmpty() ? "(none)" : String.join(", ", addresses);
        }
    }

    /** What one address answered changed; "ok" is answering. */
    record Outcome(String host, String address, String before, String after) implements Change {
        @Override
        public Change inverse() {
            return new Outcome(host, address, after, before);
        }

        @Override
        public String describe(String then, String now) {
            String where = host + " [" + address + "]";
            if (after.equals("ok")) {
                return where + " answers again since " + now + "; it was " + before + " at " + then;
            }
            if (before.equals("ok")) {
                return where + " is " + after + " since " + now + "; it answered at " + then;
            }
            return where + " is " + after + " since " + now + "; it was " + before + " at " + then;
        }
    }

    record FindingAppeared(String finding) implements Change {
        @Override
        public Change inverse() {
            return new FindingCleared(finding);
        }

        @Override
        public String describe(String then, String now) {
            return "new finding: " + finding;
        }
    }

    record FindingCleared(String finding) implements Change {
        @Override
        public Change inverse() {
            return new FindingAppeared(finding);
        }

        @Override
        public String describe(String then, String now) {
            return "cleared: " + finding;
        }
    }
}
