package io.veil.sandbox.analysis;

/** The clause an expression sits in; decides use kinds and whether aggregates may appear. */
enum Place { SELECT, WHERE, GROUP_BY, HAVING, ORDER_BY }
