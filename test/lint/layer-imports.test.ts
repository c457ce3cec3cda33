// The layer rule of docs/design.md ("Layers") as `npm run lint` applies it:
// the project's ESLint config turns it on for src/ and the client package,
// and an import against the direction is reported with the layers named.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layerImports } from '../../eslint-rules/layer-imports.js';

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

function lint(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [{
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser as Linter.Parser },
      plugins: { lookaside: { rules: { 'layer-imports': layerImports } } },
      rules: { 'lookaside/layer-imports': 'error' },
    }],
    { filename: path.join(root, file) },
  );
  return messages.map((message) => message.message);
}

describe('the layer rule', () => {
  it('is on for every source file of the control plane and the client package', async () => {
    const eslint = new ESLint({ cwd: root });
    for (const file of ['src/registry/registry.ts', 'src/server/xds/ads-stream.ts', 'packages/client/src/policies/weighted-picker.ts']) {
      const config = await eslint.calculateConfigForFile(file) as { rules: Record<string, unknown> };
      expect(config.rules['lookaside/layer-imports'], file).toEqual([2]);
    }
  });

  it('reports an import from a layer above, naming both layers and what is allowed', () => {
    expect(lint('src/registry/registry.ts', "import { x } from '../server/lookaside/watch-fanout.js';")).toEqual([
      'src/registry may not import src/server/lookaside ("../server/lookaside/watch-fanout.js"): it imports nothing outside itself (docs/design.md, "Layers").',
    ]);
    expect(lint('src/discovery/kubernetes/kubernetes-source.ts', "export { y } from '../../translation/route-table.js';")).toHaveLength(1);
    expect(lint('src/observer/traffic-observer.ts', "const m = await import('../server/metrics.js');")).toHaveLength(1);
  });

  it('keeps the two faces apart and shared code face-free', () => {
    expect(lint('src/server/xds/ads-stream.ts', "import { a } from '../lookaside/watch-fanout.js';")).toHaveLength(1);
    expect(lint('src/server/lookaside/watch-fanout.ts', "import { a } from '../xds/ads-stream.js';")).toHaveLength(1);
    expect(lint('src/server/shared/connection-age.ts', "import { a } from '../xds/ads-stream.js';")).toHaveLength(1);
    expect(lint('src/server/xds/ads-stream.ts', "import { a } from '../shared/connection-age.js';\nimport { b } from '../../translation/caller-topology.js';")).toEqual([]);
  });

  it('keeps the client package to itself and its policies out of its resolver', () => {
    expect(lint('packages/client/src/register.ts', "import { a } from '../../../src/registry/registry.js';")).toHaveLength(1);
    expect(lint('packages/client/src/policies/weighted-picker.ts', "import { a } from '../resolver/target-parser.js';")).toHaveLength(1);
    expect(lint('packages/client/src/resolver/lookaside-resolver.ts', "import { a } from '../policies/weighted-picker.js';\nimport { b } from '../grpc/grpc-module.js';")).toEqual([]);
  });

  it('leaves the CLI, which puts the layers together, free to import any', () => {
    expect(lint('src/cli/serve-command.ts', "import { a } from '../server/control-plane-server.js';\nimport { b } from '../discovery/source.js';")).toEqual([]);
  });
});
