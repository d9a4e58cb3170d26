package io.veil.sandbox.analysis;

/**
 * One occurrence of a dataset in FROM (a self-join gives two).
 *
 * @param index   position in FROM, left to right
 * @param alias   the name columns are qualified with: the user's alias, else the table name as written
 * @param binding the dataset
 */
public record TableRef(int index, String alias, TableBinding binding) {
}
