package io.veil.gateway.datasets;

import java.util.List;
import java.util.Optional;

/** Persistence of catalog metadata. Implementations must be transactional with the ledger outbox. */
public interface DatasetStore {
    /** Inserts a new dataset with its first version; false if the owner already has that name. */
    boolean insert(Dataset dataset, DatasetVersion first);

    /** Adds the next version; false if {@code version.version()} is not current+1 (concurrent upload). */
    boolean addVersion(DatasetVersion version);

    Optional<Dataset> find(String id);

    Optional<Dataset> findByOwnerAndName(String ownerOrg, String name);

    List<DatasetVersion> versions(String datasetId);

    Optional<DatasetVersion> version(String datasetId, int version);

    /** Case-insensitive text search over name, description and tags; tag filter exact. */
    List<Dataset> search(String text, String tag, int offset, int limit);

    long count(String text, String tag);

    /** Every blob name referenced by a version (for the orphan sweep). */
    List<String> allBlobNames();

    /** All versions (for key rotation). */
    List<DatasetVersion> allVersions();

    void updateWrappedKey(String datasetId, int version, String wrappedKey, String zoneKeyVersion);
}
