// Moved to src/lab/kubelet/kube-admin-client.ts (the lab ships it); kept here for the tests.
export * from '../../src/lab/kubelet/kube-admin-client.ts';
