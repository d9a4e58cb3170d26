package io.veil.sandbox.worker;

/** Authentication failed on a part of a job copy (Parquet or DuckDB) that the job needed. */
final class Unauthentic extends Exception {
    Unauthentic() {
        super(null, null, false, false);
    }
}
