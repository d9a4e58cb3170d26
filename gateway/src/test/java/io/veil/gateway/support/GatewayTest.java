package io.veil.gateway.support;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Base for API tests: the whole gateway on a random port over real HTTP, embedded identity, a
 * fresh temporary data directory. The Spring context is shared by all API test classes, so tests
 * use unique names and never assume an empty catalog.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "veil.identity.embedded=true",
        "veil.identity.issuer=http://localhost/veil-test-issuer",
        "veil.demo.enabled=false",
        "veil.upload.max-bytes=1048576",
})
@ActiveProfiles("test")
public abstract class GatewayTest {
    protected static final Path DATA_DIR;

    static {
        try {
            DATA_DIR = Files.createTempDirectory("veil-test-");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry r) {
        r.add("veil.data-dir", () -> DATA_DIR.toString());
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    protected io.veil.gateway.config.VeilProperties props;

    protected ApiClient api;

    protected Path dataDir() {
        return props.dataDir();
    }

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }
}
