package io.veil.gateway.datasets;

import io.veil.gateway.api.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;
import org.springframework.http.HttpStatus;

import java.io.IOException;
import java.io.InputStream;

/**
 * Streams a multipart/form-data request part by part without buffering or spooling to disk.
 * Parts must arrive in the documented order (metadata before file) because the file is parsed
 * and encrypted while it streams.
 */
final class MultipartUpload {
    private final FileItemInputIterator parts;

    private MultipartUpload(FileItemInputIterator parts) {
        this.parts = parts;
    }

    static MultipartUpload of(HttpServletRequest request) {
        if (!JakartaServletFileUpload.isMultipartContent(request)) {
            throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
                    "registration must be multipart/form-data with parts 'metadata' and 'file'");
        }
        try {
            return new MultipartUpload(new JakartaServletFileUpload<>().getItemIterator(request));
        } catch (Exception e) {
            throw ApiException.badRequest("MULTIPART_MALFORMED", "malformed multipart request");
        }
    }

    /** The next part, or null at the end. */
    FileItemInput next() {
        try {
            return parts.hasNext() ? parts.next() : null;
        } catch (IOException e) {
            throw ApiException.badRequest("MULTIPART_MALFORMED", "malformed or truncated multipart request");
        }
    }

    /** Fails closed on any part after the file: only 'metadata' and 'file' are accepted. */
    void assertNoMoreParts() {
        if (next() != null) {
            throw ApiException.badRequest("MULTIPART_UNKNOWN_PART", "only the parts 'metadata' and 'file' are accepted");
        }
    }

    static byte[] readBounded(FileItemInput part, int max, String code) {
        try (InputStream in = part.getInputStream()) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) throw ApiException.badRequest(code, "part '" + part.getFieldName() + "' larger than " + max + " bytes");
            return b;
        } catch (IOException e) {
            throw ApiException.badRequest("MULTIPART_MALFORMED", "malformed or truncated multipart request");
        }
    }
}
