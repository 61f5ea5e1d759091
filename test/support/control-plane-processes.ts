// Moved to src/lab/control-plane/control-plane-processes.ts (the lab ships it); kept here for the tests.
export * from '../../src/lab/control-plane/control-plane-processes.ts';
