// Moved to src/lab/kubelet/fake-registry-state.ts (the lab ships it); kept here for the tests.
export * from '../../src/lab/kubelet/fake-registry-state.ts';
