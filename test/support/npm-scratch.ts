// Real npm in scratch folders: packs the repository's packages with
// `npm pack` (their prepack builds them) and installs tarballs into fresh
// apps, as a user would. npm runs on the Node running the tests, with the
// npm cache preferred (configuration, not a different install).

import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

/** npm's own environment without the variables of the `npm test` run that started us. */
function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

/** Runs npm in `cwd`; rejects with npm's own output when it fails. */
export async function npm(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync('npm', args, { cwd, env: npmEnv(), maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm ${args.join(' ')} (in ${cwd}) failed: ${failure.message}\n${failure.stdout ?? ''}\n${failure.stderr ?? ''}`, { cause: error });
  }
}

export interface PackedTarball {
  /** The tarball's path. */
  readonly path: string;
  /** The file paths it holds, sorted. */
  readonly files: string[];
}

/** Packs the package in `packageDir` into `destination` (its prepack runs, as on publish). */
export async function pack(packageDir: string, destination: string): Promise<PackedTarball> {
  const out = await npm(['pack', '--json', '--pack-destination', destination], packageDir);
  const [result] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  return { path: join(destination, result!.filename), files: result!.files.map((f) => f.path).sort() };
}

/** Bytes on disk under `dir` (files only, symlinks not followed). */
export function diskSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += diskSize(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}
