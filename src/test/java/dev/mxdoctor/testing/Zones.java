package dev.mxdoctor.testing;

/** Builds zone texts for {@link FakeDnsServer}: SOA and NS boilerplate plus the records a test is about. */
public final class Zones {

    private Zones() {}

    /**
     * A zone whose name servers are ns1 (at {@code nsAddress}) with serial {@code serial}, plus {@code records}
     * in master-file syntax relative to the origin.
     */
    public static String zone(String origin, long serial, String nsAddress, String... records) {
        StringBuilder sb = new StringBuilder();
        sb.append("$ORIGIN ").append(origin).append(".\n");
        sb.append("$TTL 300\n");
        sb.append("@ IN SOA ns1 hostmaster ").append(serial).append(" 3600 600 86400 60\n");
        sb.append("@ IN NS ns1\n");
        sb.append("ns1 IN A ").append(nsAddress).append('\n');
        for (String r : records) {
            sb.append(r).append('\n');
        }
        return sb.toString();
    }

    /** A zone with serial 1 and its name server on 127.0.0.1. */
    public static String zone(String origin, String... records) {
        return zone(origin, 1, "127.0.0.1", records);
    }
}
