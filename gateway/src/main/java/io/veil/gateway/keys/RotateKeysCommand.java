package io.veil.gateway.keys;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

/** {@code --veil.command=rotate-keys}: rotate offline (node stopped), print the result, exit. */
@Component
@ConditionalOnProperty(name = "veil.command", havingValue = "rotate-keys")
class RotateKeysCommand implements CommandLineRunner {
    private final KeyRotationService rotation;
    private final ConfigurableApplicationContext ctx;

    RotateKeysCommand(KeyRotationService rotation, ConfigurableApplicationContext ctx) {
        this.rotation = rotation;
        this.ctx = ctx;
    }

    @Override
    public void run(String... args) {
        KeyRotationService.Rotation r = rotation.rotate();
        System.out.printf("zone key rotated %s -> %s; re-wrapped %d data keys%n", r.previousVersion(), r.currentVersion(), r.rewrapped());
        System.exit(org.springframework.boot.SpringApplication.exit(ctx, () -> 0));
    }
}
