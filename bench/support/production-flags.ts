// The V8 flags the control plane runs with in production (deploy/Dockerfile
// sets them in NODE_OPTIONS; test/deploy checks the two agree). Benchmarks
// run with the same flags.
//
// A 2 MiB young generation: a sync of a large cluster allocates many
// short-lived objects (decoded list pages, intermediate views), and V8's
// default young generation lets them pile up into RSS the process then keeps.
// Measured on 100,000 endpoints (bench/registry-scale): peak RSS 324 MB with
// the default, 254 MB with this flag, for the same time to sync.
export const PRODUCTION_NODE_FLAGS = ['--max-semi-space-size=2'] as const;
