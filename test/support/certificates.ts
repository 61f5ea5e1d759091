// Moved to src/lab/registry/certificates.ts (the lab ships it); kept here for the tests.
export * from '../../src/lab/registry/certificates.ts';
