package dev.mxdoctor.history;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The history suite on real PostgreSQL (binaries from Maven, started on a loopback port), a database per test. */
class PostgresHistoryStoreTest extends HistoryStoreContract {

    private static EmbeddedPostgres postgres;
    private static final AtomicInteger N = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Override
    String newDatabase() throws Exception {
        String name = "history" + N.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return postgres.getJdbcUrl("postgres", name);
    }

    private String missing;

    @Override
    String unavailableDatabase() {
        missing = "later" + N.incrementAndGet();
        return postgres.getJdbcUrl("postgres", missing);
    }

    @Override
    void makeAvailable() throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + missing);
        }
    }
}
