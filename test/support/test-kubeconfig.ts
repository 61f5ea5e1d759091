// Moved to src/lab/control-plane/test-kubeconfig.ts (the lab ships it); kept here for the tests.
export * from '../../src/lab/control-plane/test-kubeconfig.ts';
