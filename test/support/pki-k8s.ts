// Moved to src/lab/control-plane/pki-k8s.ts (the lab ships it); kept here for the tests.
export * from '../../src/lab/control-plane/pki-k8s.ts';
