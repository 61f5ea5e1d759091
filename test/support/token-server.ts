// Moved to src/lab/registry/token-server.ts (the lab ships it); kept here for the tests.
export * from '../../src/lab/registry/token-server.ts';
