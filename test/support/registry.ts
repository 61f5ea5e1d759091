// Moved to src/lab/registry/registry.ts (the lab ships it); kept here for the tests.
export * from '../../src/lab/registry/registry.ts';
