// Moved to src/lab/kubelet/kubelet-messages.ts (the lab ships it); kept here for the tests.
export * from '../../src/lab/kubelet/kubelet-messages.ts';
