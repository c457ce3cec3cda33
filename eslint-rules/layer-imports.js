// The layer rule of docs/design.md ("Layers"): a layer imports only the
// layers below it, the two faces of the server do not import each other, and
// the client package imports nothing outside itself. ESLint's own
// no-restricted-imports matches import strings as written, and relative
// strings ("../../server/x.js") say little about where they lead, so this rule
// resolves each relative import to the file it names and checks the pair of
// directories.
import path from 'node:path';

const root = path.dirname(import.meta.dirname);

// Each layer and the layers it may import (besides itself). A file in none
// of these (src/cli/, src/control-plane.ts, tests, benchmarks) may import any.
const LAYERS = [
  { name: 'src/wire', may: ['src/generated'] },
  { name: 'src/generated', may: ['src/wire'] },
  { name: 'src/clock', may: [] },
  { name: 'src/registry', may: [] },
  { name: 'src/discovery', may: ['src/registry', 'src/clock'] },
  { name: 'src/translation', may: ['src/registry', 'src/clock'] },
  { name: 'src/observer', may: ['src/translation', 'src/registry', 'src/clock', 'src/wire', 'src/generated'] },
  // Inside the server: the faces use shared/, never each other; shared/
  // knows neither face; the root files (control-plane-server.ts, metrics.ts,
  // stream-status-hooks.ts) and the live page put them together.
  { name: 'src/server/shared', may: [...BELOW_SERVER()] },
  // Caller authorization asks the Kubernetes API (SubjectAccessReview) with
  // the same deadline and failure wording as the watches.
  { name: 'src/server/shared/caller-authorization', may: ['src/server/shared', 'src/discovery/kubernetes/api-deadline.ts', 'src/discovery/kubernetes/api-failure.ts', ...BELOW_SERVER()] },
  { name: 'src/server/lookaside', may: ['src/server/shared', ...BELOW_SERVER()] },
  { name: 'src/server/xds', may: ['src/server/shared', ...BELOW_SERVER()] },
  { name: 'src/server', may: ['src/server', ...BELOW_SERVER()] },
  // The client package: its policies do not reach back into its resolver.
  { name: 'packages/client/src/policies', may: ['packages/client/src/control-plane', 'packages/client/src/grpc', 'packages/client/src/generated', 'packages/client/src/lookaside-logger.ts', 'packages/client/src/pick-observer.ts'] },
  { name: 'packages/client', may: [] },
];

function BELOW_SERVER() {
  return ['src/observer', 'src/translation', 'src/registry', 'src/clock', 'src/wire', 'src/generated'];
}

const bare = (file) => file.replace(/\.(ts|js)$/, '');
const within = (file, dir) => bare(file) === bare(dir) || file.startsWith(dir + '/');

/** The most specific layer a repository path belongs to. */
function layerOf(relativeFile) {
  let best;
  for (const layer of LAYERS) {
    if (within(relativeFile, layer.name) && (!best || layer.name.length > best.name.length)) best = layer;
  }
  return best;
}

function allowed(layer, target) {
  if (within(target, layer.name)) {
    // src/server's root files may import its subdirectories; a subdirectory
    // layer covers its own files only.
    const inner = layerOf(target);
    return inner === layer || layer.name === 'src/server' || layer.name === 'packages/client';
  }
  return layer.may.some((dir) => within(target, dir));
}

export const layerImports = {
  meta: {
    type: 'problem',
    docs: { description: 'imports follow the layer direction of docs/design.md' },
    schema: [],
  },
  create(context) {
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const layer = layerOf(file);
    if (!layer) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.relative(root, path.resolve(path.dirname(context.filename), source)).split(path.sep).join('/');
      if (allowed(layer, target)) return;
      const targetLayer = layerOf(target)?.name ?? target;
      context.report({
        node,
        message: `${layer.name} may not import ${targetLayer} ("${source}"): ${layer.may.length ? `it may import ${layer.may.join(', ')}` : 'it imports nothing outside itself'} (docs/design.md, "Layers").`,
      });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};
