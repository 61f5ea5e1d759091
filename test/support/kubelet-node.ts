// Moved to src/lab/kubelet/kubelet-node.ts (the lab ships it); kept here for the tests.
export * from '../../src/lab/kubelet/kubelet-node.ts';
