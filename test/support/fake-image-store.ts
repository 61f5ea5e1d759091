// Moved to src/lab/kubelet/fake-image-store.ts (the lab ships it); kept here for the tests.
export * from '../../src/lab/kubelet/fake-image-store.ts';
