package dev.mxdoctor.history;

import dev.mxdoctor.report.JsonReport;
import dev.mxdoctor.report.Report;
import java.time.Instant;
import java.util.List;

/** "What changed" between a stored report and a new one, for callers outside the history (a watch). Pure. */
public final class Differences {

    private Differences() {}

    /**
     * The changes from the report stored as {@code previousJson} (seen at {@code previousAt}) to {@code report}
     * (seen at {@code at}), in words; empty when nothing that matters changed.
     *
     * @throws IllegalArgumentException when {@code previousJson} is not a JSON object
     */
    public static List<String> since(String previousJson, Instant previousAt, Report report, Instant at) {
        return Changes.describe(Changes.between(Snapshot.fromJson(previousJson), Snapshot.of(report)), previousAt,
                at);
    }

    /** The report in the stored form {@link #since} reads. */
    public static String stored(Report report) {
        return JsonReport.compact(report);
    }
}
