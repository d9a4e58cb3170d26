package io.veil.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class VeilApplication {
    public static void main(String[] args) {
        SpringApplication.run(VeilApplication.class, args);
    }
}
