// Moved to src/lab/registry/image-pusher.ts (the lab ships it); kept here for the tests.
export * from '../../src/lab/registry/image-pusher.ts';
