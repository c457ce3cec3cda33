// The registry's public face inside the project: pure state, no I/O.
export * from './registry.js';
export * from './service-ref.js';
export * from './snapshot.js';
