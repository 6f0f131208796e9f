package dev.assent.xa.support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands test classes the real database servers. Each server is started on first demand and kept
 * in the root context of the run, so it starts once for all the classes that use it and stops when
 * the run ends.
 */
public final class Servers implements ParameterResolver {
    private static final Logger log = LoggerFactory.getLogger(Servers.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Servers.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == PostgresServer.class || type == MariaDbServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        Class<?> type = parameter.getParameter().getType();
        if (type == PostgresServer.class) {
            return store.getOrComputeIfAbsent(PostgresServer.class, k -> startPostgres(), PostgresServer.class);
        }
        return store.getOrComputeIfAbsent(MariaDbServer.class, k -> startMariaDb(), MariaDbServer.class);
    }

    private static PostgresServer startPostgres() {
        PostgresServer server = PostgresServer.start(64);
        log.info("PostgreSQL started in {} ms on port {}", server.startMillis(), server.port());
        return server;
    }

    private static MariaDbServer startMariaDb() {
        MariaDbServer server = MariaDbServer.start();
        log.info("MariaDB started in {} ms on port {}", server.startMillis(), server.port());
        return server;
    }
}
