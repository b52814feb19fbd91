/**
 * The `systemtap.*` settings: their schema (the one source of truth: the extension's
 * package.json `contributes.configuration` must list exactly these, a test keeps them in
 * lock-step), their defaults, and validation of what a client sends. Each setting maps onto
 * one of stap's options, so the server's analysis is the command line `stap-ls` would run
 * ({@link settingsArgv}).
 */

export type Runtime = 'kernel' | 'bpf' | 'dyninst';

export interface Settings {
  /** Extra tapset directories, searched after the installed ones (`-I DIR`). */
  tapsetDirs: string[];
  /** The kernel build tree (`-r /DIR`); empty: `/lib/modules/$(uname -r)/build`. */
  kernelBuildDir: string;
  /** A kernel release (`-r RELEASE`), used when no build dir is set; empty: `uname -r`. */
  kernelRelease: string;
  /** The target architecture (`-a ARCH`); empty: this machine's. */
  arch: string;
  /** `--runtime`. */
  runtime: Runtime;
  /** Guru mode (`-g`). */
  guruMode: boolean;
  /** `--compatible=VERSION`; empty: stap's own (4.8). */
  compatible: string;
  /** The script arguments (`$1`, `@1`, …) the script is analysed with. */
  scriptArguments: string[];
  /** The command whose process the script probes (`-c CMD`: `process` probes without a path, `target()`). */
  targetCommand: string;
  /** The `stap` the extension runs and compiles with (not used by the analysis). */
  stapPath: string;
}

interface SettingSpec {
  type: 'string' | 'boolean' | 'array';
  default: unknown;
  description: string;
  enum?: string[];
  items?: { type: 'string' };
}

/** The schema, keyed by the setting's full name; package.json's properties mirror it. */
export const SETTINGS_SCHEMA: Record<`systemtap.${keyof Settings}`, SettingSpec> = {
  'systemtap.tapsetDirs': {
    type: 'array',
    items: { type: 'string' },
    default: [],
    description: 'Extra tapset directories, searched after the installed tapsets (stap -I DIR).',
  },
  'systemtap.kernelBuildDir': {
    type: 'string',
    default: '',
    description: 'Absolute path of the kernel build tree (stap -r DIR). Empty: /lib/modules/$(uname -r)/build.',
  },
  'systemtap.kernelRelease': {
    type: 'string',
    default: '',
    description: 'Kernel release to analyse for (stap -r RELEASE), when no build tree is set. Empty: the running kernel.',
  },
  'systemtap.arch': {
    type: 'string',
    default: '',
    description: 'Target architecture (stap -a ARCH). Empty: this machine.',
  },
  'systemtap.runtime': {
    type: 'string',
    enum: ['kernel', 'bpf', 'dyninst'],
    default: 'kernel',
    description: 'Runtime (stap --runtime).',
  },
  'systemtap.guruMode': {
    type: 'boolean',
    default: false,
    description: 'Guru mode (stap -g): embedded C and privileged probes in the script.',
  },
  'systemtap.compatible': {
    type: 'string',
    default: '',
    description: 'Language version to be compatible with (stap --compatible=VERSION). Empty: 4.8.',
  },
  'systemtap.scriptArguments': {
    type: 'array',
    items: { type: 'string' },
    default: [],
    description: 'Script arguments ($1, @1, ...) the script is checked with. Arguments that are not set are treated as unknown values, never as errors.',
  },
  'systemtap.targetCommand': {
    type: 'string',
    default: '',
    description: 'The command the script is run with (stap -c CMD): what `process` probes without a path and target() refer to. Empty: none.',
  },
  'systemtap.stapPath': {
    type: 'string',
    default: 'stap',
    description: 'The stap command used to run and compile scripts.',
  },
};

export const DEFAULT_SETTINGS: Settings = Object.fromEntries(
  Object.entries(SETTINGS_SCHEMA).map(([k, v]) => [k.slice('systemtap.'.length), v.default]),
) as unknown as Settings;

/**
 * Settings from what a client sent (the `systemtap` section, possibly partial or wrong): each
 * valid value is taken, anything else falls back to its default with a problem message.
 */
export function validateSettings(raw: unknown): { settings: Settings; problems: string[] } {
  const settings: Settings = { ...DEFAULT_SETTINGS, tapsetDirs: [], scriptArguments: [] };
  const problems: string[] = [];
  const given = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  for (const [full, spec] of Object.entries(SETTINGS_SCHEMA)) {
    const key = full.slice('systemtap.'.length) as keyof Settings;
    const value = given[key];
    if (value === undefined || value === null) continue;
    const ok =
      spec.type === 'array'
        ? Array.isArray(value) && value.every((v) => typeof v === 'string')
        : typeof value === spec.type && (!spec.enum || spec.enum.includes(value as string));
    if (!ok) {
      problems.push(`${full}: ${JSON.stringify(value)} is not ${describe(spec)}; using ${JSON.stringify(spec.default)}`);
      continue;
    }
    (settings as unknown as Record<string, unknown>)[key] = Array.isArray(value) ? [...value] : value;
  }
  if (settings.kernelBuildDir && !settings.kernelBuildDir.startsWith('/')) {
    problems.push(`systemtap.kernelBuildDir: "${settings.kernelBuildDir}" is not an absolute path; ignored`);
    settings.kernelBuildDir = '';
  }
  return { settings, problems };
}

function describe(spec: SettingSpec): string {
  if (spec.enum) return `one of ${spec.enum.join(', ')}`;
  return spec.type === 'array' ? 'a list of strings' : `a ${spec.type}`;
}

/** The stap options these settings stand for (before the script and its arguments). */
export function settingsArgv(s: Settings): string[] {
  const argv: string[] = [];
  const kernel = s.kernelBuildDir || s.kernelRelease;
  if (kernel) argv.push('-r', kernel);
  if (s.arch) argv.push('-a', s.arch);
  if (s.runtime !== 'kernel') argv.push(`--runtime=${s.runtime}`);
  if (s.guruMode) argv.push('-g');
  if (s.compatible) argv.push(`--compatible=${s.compatible}`);
  for (const d of s.tapsetDirs) argv.push('-I', d);
  if (s.targetCommand) argv.push('-c', s.targetCommand);
  return argv;
}
