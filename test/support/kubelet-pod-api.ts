// Moved to src/lab/kubelet/kubelet-pod-api.ts (the lab ships it); kept here for the tests.
export * from '../../src/lab/kubelet/kubelet-pod-api.ts';
