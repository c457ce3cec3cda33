// docs/configuration.md is what scripts/generate-configuration-reference.ts
// renders from the CLI's own definitions: a flag, variable or default
// changed without `npm run generate:docs` fails here.

import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/lookaside-program.js';
import { AMBIENT_ENVIRONMENT } from '../../src/cli/ambient-environment.js';
import { CONFIGURATION_REFERENCE_FILE, configurationReference } from '../../scripts/generate-configuration-reference.js';

const program = () => buildProgram(() => undefined);

describe('the configuration reference', () => {
  it('is current: docs/configuration.md is exactly what `npm run generate:docs` writes', () => {
    // On failure: run `npm run generate:docs` and commit docs/configuration.md.
    expect(readFileSync(CONFIGURATION_REFERENCE_FILE, 'utf8')).toBe(configurationReference(program()));
  });

  it('lists every flag of every command with its variable and default, and every variable read besides', () => {
    const text = configurationReference(program());
    const root = program();
    for (const command of [root, ...root.commands]) {
      const section = text.split(/^## /m).find((s) => s.startsWith(command === root ? '`lookaside`' : `\`lookaside ${command.name()}\``));
      expect(section, `a section for ${command.name()}`).toBeDefined();
      for (const option of command.options) {
        const row = section!.split('\n').find((line) => line.startsWith(`| \`${option.flags}\` |`));
        expect(row, `${command.name()} ${option.flags}`).toBeDefined();
        if (option.envVar) expect(row).toContain(`\`${option.envVar}\``);
        if (option.defaultValueDescription) expect(row).toContain(`\`${option.defaultValueDescription}\``);
      }
    }
    for (const variable of AMBIENT_ENVIRONMENT) expect(text).toMatch(new RegExp(`^\\| \`${variable.name}\` \\|`, 'm'));
  });

  it('changes when a flag is added, so the first test catches a flag added without regenerating', () => {
    const changed = program();
    changed.commands.find((c) => c.name() === 'serve')!.addOption(new Option('--brand-new <value>', 'a flag nobody documented').env('LOOKASIDE_BRAND_NEW').default('x'));
    const text = configurationReference(changed);
    expect(text).not.toBe(configurationReference(program()));
    expect(text).toContain('| `--brand-new <value>` | `LOOKASIDE_BRAND_NEW` | `x` | a flag nobody documented. |');
  });
});

describe('help texts', () => {
  it('name an option\'s default once (the description does not repeat what commander appends)', () => {
    const root = program();
    for (const command of [root, ...root.commands]) {
      const help = command.createHelp();
      for (const option of command.options) {
        const text = help.optionDescription(option);
        expect(text.match(/default/g)?.length ?? 0, `${command.name()} ${option.flags}: ${text}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('list the environment variables serve and doctor read besides their flags\'', async () => {
    const { runCliInProcess } = await import('../support/cli-in-process.js');
    for (const command of ['serve', 'doctor']) {
      const { code, stdout } = await runCliInProcess([command, '--help']);
      expect(code).toBe(0);
      for (const variable of AMBIENT_ENVIRONMENT.filter((v) => v.commands.includes(command))) expect(stdout).toContain(`  ${variable.name}: `);
    }
  });
});
