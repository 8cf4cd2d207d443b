/** Managed private endpoint corroboration (issue 13): see docs/managed-endpoints.md. */
export * from "./corroborate";
export * from "./read";
export * from "./services";
export * from "./classify";
