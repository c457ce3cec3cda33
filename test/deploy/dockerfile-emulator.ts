// Reproduces the file system of a Dockerfile's stages without Docker, so a
// test can run the image's command on what the image would hold. Each stage
// gets a directory standing for its root file system; WORKDIR, ENV, COPY
// (from the build context, honouring <Dockerfile>.dockerignore, or
// --from=another stage) and RUN (run with `sh -c` in the stage's working
// directory) are carried out in order; USER, EXPOSE, ENTRYPOINT and CMD are
// recorded. The base image's own files are not there: a RUN runs on this
// machine's tools (the test's Node, the system npm).
//
// One substitution, stated here and printed when made: a full `npm ci`
// (without --omit) in a build stage installs the same lockfile the checkout
// running the test has already installed, so it is replaced by a link to the
// checkout's node_modules. That keeps the reproduction to one real npm ci,
// the production one. Everything else the Dockerfile says is done as said.

import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { DockerfileParser, type Copy, type Env, type From, type Instruction, type JSONInstruction } from 'dockerfile-ast';

const execFileAsync = promisify(execFile);

export interface DockerStage {
  readonly name: string;
  /** The base image, as written after FROM. */
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

export interface BuiltStage {
  readonly stage: DockerStage;
  /** The directory standing for the stage's "/". */
  readonly root: string;
  /** The WORKDIR, as a path in the image. */
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | undefined;
  readonly exposed: readonly string[];
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
}

export function parseStages(dockerfileText: string): DockerStage[] {
  const dockerfile = DockerfileParser.parse(dockerfileText);
  const stages: { name: string; image: string; instructions: Instruction[] }[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = instruction as From;
      stages.push({ name: from.getBuildStage() ?? String(stages.length), image: from.getImage() ?? '', instructions: [] });
    } else {
      const current = stages.at(-1);
      if (!current) throw new Error(`${instruction.getKeyword()} before the first FROM`);
      current.instructions.push(instruction);
    }
  }
  return stages;
}

/** The exec-form arguments of ENTRYPOINT or CMD; the shell form is refused (it would need a shell in the image and loses signals). */
export function execForm(instruction: Instruction): string[] {
  const strings = (instruction as JSONInstruction).getJSONStrings?.() ?? [];
  if (strings.length === 0) throw new Error(`${instruction.getKeyword()} must use the exec form ["a", "b"], not "${instruction.getArgumentsContent()}"`);
  return strings.map((s) => s.getJSONValue());
}

/** .dockerignore matching: last matching pattern wins, "!" re-includes, "**" spans directories. */
export class DockerIgnore {
  private readonly rules: { negate: boolean; pattern: RegExp }[];

  constructor(text: string) {
    this.rules = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith('#'))
      .map((line) => {
        const negate = line.startsWith('!');
        const glob = posix.normalize((negate ? line.slice(1) : line).replace(/^\/+/, ''));
        const source = glob
          .split(/(\*\*\/?|\*|\?)/)
          .map((part) => (part === '**' || part === '**/' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
          .join('');
        return { negate, pattern: new RegExp(`^${source}(/.*)?$`) };
      });
  }

  excludes(path: string): boolean {
    let excluded = false;
    for (const rule of this.rules) if (rule.pattern.test(path)) excluded = !rule.negate;
    return excluded;
  }
}

export interface EmulatorOptions {
  /** The build context (the repository root). */
  readonly context: string;
  readonly dockerfile: string;
  /** Where a build stage's full `npm ci` is satisfied from. */
  readonly installedNodeModules: string;
  /** Extra environment for RUN steps (the rest is this process's, less npm's own npm_* variables). */
  readonly runEnv?: Readonly<Record<string, string>>;
  readonly log?: (message: string) => void;
}

export class DockerfileEmulator {
  readonly stages: readonly DockerStage[];
  readonly workspace: string;
  /** Stages built or being built: a stage that others copy from is built once, while they wait. */
  private readonly built = new Map<string, Promise<BuiltStage>>();
  private readonly ignore: DockerIgnore | undefined;

  constructor(private readonly options: EmulatorOptions) {
    this.stages = parseStages(readFileSync(options.dockerfile, 'utf8'));
    const ignoreFile = `${options.dockerfile}.dockerignore`;
    this.ignore = existsSync(ignoreFile) ? new DockerIgnore(readFileSync(ignoreFile, 'utf8')) : undefined;
    this.workspace = mkdtempSync(join(tmpdir(), 'lookaside-image-'));
  }

  stage(name: string): DockerStage {
    const stage = this.stages.find((s) => s.name === name);
    if (!stage) throw new Error(`the Dockerfile has no stage "${name}" (stages: ${this.stages.map((s) => s.name).join(', ')})`);
    return stage;
  }

  /**
   * Builds a stage, and first the stages it copies from, side by side (as
   * BuildKit does: their RUN steps are independent), then its own
   * instructions in order.
   */
  build(name: string): Promise<BuiltStage> {
    let building = this.built.get(name);
    if (!building) {
      building = this.buildStage(this.stage(name));
      this.built.set(name, building);
    }
    return building;
  }

  private async buildStage(stage: DockerStage): Promise<BuiltStage> {
    const sourceStages = stage.instructions
      .filter((i): i is Copy => i.getKeyword() === 'COPY')
      .map((copy) => copy.getFromFlag()?.getValue())
      .filter((from): from is string => from !== undefined);
    // Started now, awaited at their COPY; a failure is reported there.
    for (const from of sourceStages) this.build(from).catch(() => {});
    const root = join(this.workspace, stage.name);
    mkdirSync(root, { recursive: true });
    let workdir = '/';
    const env: Record<string, string> = {};
    let user: string | undefined;
    const exposed: string[] = [];
    let entrypoint: string[] = [];
    let cmd: string[] = [];
    const inImage = (path: string) => join(root, posix.resolve(workdir, path));

    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      const args = instruction.getArguments().map((a) => a.getValue());
      switch (keyword) {
        case 'WORKDIR':
          workdir = posix.resolve(workdir, args[0]!);
          mkdirSync(inImage('.'), { recursive: true });
          break;
        case 'ENV':
          for (const property of (instruction as Env).getProperties()) env[property.getName()] = property.getUnescapedValue() ?? '';
          break;
        case 'COPY': {
          const copy = instruction as Copy;
          const from = copy.getFromFlag()?.getValue() ?? undefined;
          for (const flag of copy.getFlags()) if (flag.getName() !== 'from') throw new Error(`COPY --${flag.getName()} is not reproduced by the emulator`);
          const sources = args.filter((a) => !a.startsWith('--'));
          const destination = sources.pop()!;
          const source = from ? await this.build(from) : undefined;
          for (const path of sources) {
            const target = destination.endsWith('/') || sources.length > 1 ? join(inImage(destination), posix.basename(path)) : inImage(destination);
            if (source) {
              const origin = join(source.root, posix.resolve(source.workdir, path));
              if (!existsSync(origin)) throw new Error(`COPY --from=${from} ${path}: not found in stage ${from}`);
              mkdirSync(dirname(target), { recursive: true });
              cpSync(origin, target, { recursive: true, verbatimSymlinks: true });
              continue;
            }
            // From the build context: file by file, leaving out what the ignore file excludes.
            const origin = join(this.options.context, posix.normalize(path));
            if (!existsSync(origin)) throw new Error(`COPY ${path}: not in the build context`);
            const files = statSync(origin).isDirectory()
              ? readdirSync(origin, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
              : [origin];
            let copied = 0;
            for (const file of files) {
              if (this.ignore?.excludes(relative(this.options.context, file).split(sep).join('/'))) continue;
              const fileTarget = file === origin ? target : join(target, relative(origin, file));
              mkdirSync(dirname(fileTarget), { recursive: true });
              cpSync(file, fileTarget);
              copied++;
            }
            if (copied === 0) throw new Error(`COPY ${path}: everything in it is excluded from the build context by ${relative(this.options.context, this.options.dockerfile)}.dockerignore`);
          }
          break;
        }
        case 'RUN':
          await this.run(stage, instruction.getArgumentsContent() ?? '', inImage('.'), env);
          break;
        case 'USER':
          user = args[0];
          break;
        case 'EXPOSE':
          exposed.push(...args);
          break;
        case 'ENTRYPOINT':
          entrypoint = execForm(instruction);
          cmd = [];
          break;
        case 'CMD':
          cmd = execForm(instruction);
          break;
        case 'ARG':
        case 'LABEL':
        case 'STOPSIGNAL':
          break;
        default:
          throw new Error(`${keyword} is not reproduced by the emulator`);
      }
    }
    return { stage, root, workdir, env, user, exposed, entrypoint, cmd };
  }

  /** A stage's path in the image, on this machine. */
  path(built: BuiltStage, pathInImage: string): string {
    return join(built.root, posix.resolve(built.workdir, pathInImage));
  }

  /**
   * Stands in for a full `npm ci`: a node_modules whose entries link to the
   * checkout's install, except the workspace packages' links (relative
   * links out of node_modules, such as ../packages/client), which are made
   * again here so that they point into this stage's own copy of the
   * workspace, as a real `npm ci` in the image would.
   */
  private linkInstall(cwd: string): void {
    const installed = this.options.installedNodeModules;
    const target = join(cwd, 'node_modules');
    mkdirSync(target);
    for (const entry of readdirSync(installed, { withFileTypes: true })) {
      const from = join(installed, entry.name);
      const to = join(target, entry.name);
      if (entry.isSymbolicLink()) {
        const link = readlinkSync(from);
        if (!isAbsolute(link) && link.startsWith('../')) {
          symlinkSync(link, to, 'dir');
          continue;
        }
      }
      symlinkSync(from, to, entry.isDirectory() || entry.isSymbolicLink() ? 'dir' : 'file');
    }
  }

  private async run(stage: DockerStage, command: string, cwd: string, env: Record<string, string>): Promise<void> {
    const log = this.options.log ?? (() => {});
    if (/^npm ci\b/.test(command) && !/--omit[= ]dev\b/.test(command) && !/&&|;|\|/.test(command)) {
      log(`stage ${stage.name}: RUN ${command} -> linked to the checkout's full install (${this.options.installedNodeModules})`);
      this.linkInstall(cwd);
      return;
    }
    log(`stage ${stage.name}: RUN ${command}`);
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
    try {
      await execFileAsync('sh', ['-c', command], { cwd, env: { ...inherited, ...env, ...this.options.runEnv }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`stage ${stage.name}: RUN ${command} failed: ${failure.message}\n${failure.stdout ?? ''}\n${failure.stderr ?? ''}`, { cause: error });
    }
  }
}
