package io.veil.policy;

/** What someone does to a contract; see {@link ContractStateMachine} for who may do what when. */
public enum ContractAction { REQUEST, ACCEPT, REJECT, REVOKE, EXPIRE, EXHAUST }
