package io.veil.gateway.offers;

import io.veil.gateway.api.Problems;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders {@link PolicyRefusal}. Ordered first because the general ProblemHandler has a catch-all
 * {@code Exception} handler that would otherwise answer with a 500; other exceptions fall through to it.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class PolicyRefusalHandler {

    @ExceptionHandler(PolicyRefusal.class)
    ProblemDetail refused(PolicyRefusal e) {
        ProblemDetail p = Problems.of(e.status(), e.code(), e.getMessage());
        List<Map<String, String>> items = e.items().stream().map(i -> {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("code", i.code());
            if (i.path() != null) m.put("path", i.path());
            m.put("message", i.message());
            return m;
        }).toList();
        p.setProperty(e.listName(), items);
        return p;
    }
}
