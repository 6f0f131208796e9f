package dev.assent.bench.e2e;

/** How to log in to one bank database: a JDBC URL and the login. */
public record Endpoint(String url, String user, String password) {}
