/**
 * The settings as the extension's commands need them: the `systemtap` section read into the run
 * backends' {@link StapOptions} and {@link RemoteHost} list. The settings the language server
 * shares (kernel, arch, runtime, -I, -g, ...) are validated by the server's own schema
 * (server/src/workspace/settings.ts); the client-only ones (how to run stap: extra options, -R,
 * -D, privilege, sudo, ssh hosts, stop timeout, compile output) are declared here in
 * {@link CLIENT_SETTINGS_SCHEMA}, which package.json mirrors (test/lsp/settings.test.ts).
 * Plain Node: no `vscode` import, so it is tested under node:test with a plain object.
 */
import type { RemoteHost, StapOptions } from './backend/types';
import { SETTINGS_SCHEMA, validateSettings } from '../../server/src/workspace/settings';

/** What the reader needs of `vscode.WorkspaceConfiguration` (section `systemtap`). */
export interface ConfigSource {
  get<T>(key: string): T | undefined;
}

interface ClientSettingSpec {
  type: 'string' | 'boolean' | 'array' | 'number';
  items?: { type: 'string' };
  enum?: string[];
  minimum?: number;
  default: unknown;
  description: string;
}

/** The client-only settings, keyed by full name; package.json lists them after the server's. */
export const CLIENT_SETTINGS_SCHEMA = {
  'systemtap.stapOptions': {
    type: 'array',
    items: { type: 'string' },
    default: [],
    description: 'Extra stap options for Run and Compile, one argument per item (e.g. -v, --suppress-time-limits), put before the script.',
  },
  'systemtap.runtimeDir': {
    type: 'string',
    default: '',
    description: 'The runtime directory for Run and Compile (stap -R DIR). Empty: the installed runtime.',
  },
  'systemtap.defines': {
    type: 'array',
    items: { type: 'string' },
    default: [],
    description: 'Preprocessor definitions for Run and Compile (stap -D NAME=VALUE), one NAME or NAME=VALUE per item.',
  },
  'systemtap.privilege': {
    type: 'string',
    enum: ['', 'stapusr', 'stapsys', 'stapdev'],
    default: '',
    description: 'Privilege level for Run and Compile (stap --privilege=LEVEL). Empty: stap\'s default.',
  },
  'systemtap.useSudo': {
    type: 'boolean',
    default: false,
    description: 'Run stap locally through sudo -n (never prompts: sudo must not need a password).',
  },
  'systemtap.remoteHosts': {
    type: 'array',
    items: { type: 'string' },
    default: [],
    description: 'ssh destinations for "Run Probe on Remote Hosts": host, user@host or ssh://user@host:port. The script is copied over ssh and run with the remote stap.',
  },
  'systemtap.sshOptions': {
    type: 'array',
    items: { type: 'string' },
    default: [],
    description: 'Extra ssh options for remote runs, one argument per item (e.g. -F, /path/to/ssh_config).',
  },
  'systemtap.stopTimeoutMs': {
    type: 'number',
    minimum: 0,
    default: 5000,
    description: 'How long Stop waits for stap to run its end probes after SIGINT before it terminates the run (milliseconds).',
  },
  'systemtap.compileOutputDir': {
    type: 'string',
    default: '',
    description: 'Where "Compile (-p4)" puts the module (.ko) or BPF program (.bo); relative to the workspace folder. Empty: a temporary directory.',
  },
} satisfies Record<string, ClientSettingSpec>;

export type ClientSettingName = keyof typeof CLIENT_SETTINGS_SCHEMA;

/** Everything the commands take from the settings. */
export interface ClientConfig {
  stap: StapOptions;
  remoteHosts: RemoteHost[];
  stopTimeoutMs: number;
  /** As set (may be relative to the workspace folder); empty: a temporary directory. */
  compileOutputDir: string;
  /** Settings with a wrong value (each falls back to its default), one sentence each. */
  problems: string[];
}

function short(name: string): string {
  return name.slice('systemtap.'.length);
}

function check(spec: ClientSettingSpec, value: unknown): boolean {
  switch (spec.type) {
    case 'array':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && (spec.minimum === undefined || value >= spec.minimum);
    default:
      return typeof value === spec.type && (!spec.enum || spec.enum.includes(value as string));
  }
}

/** Reads the client-only settings, each wrong value replaced by its default with a problem. */
function readClientSettings(conf: ConfigSource, problems: string[]): { [K in ClientSettingName]: unknown } {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(CLIENT_SETTINGS_SCHEMA) as [ClientSettingName, ClientSettingSpec][]) {
    const value = conf.get<unknown>(short(name));
    if (value === undefined || value === null) out[name] = spec.default;
    else if (check(spec, value)) out[name] = value;
    else {
      problems.push(`${name}: ${JSON.stringify(value)} is not valid here; using ${JSON.stringify(spec.default)}`);
      out[name] = spec.default;
    }
  }
  return out as { [K in ClientSettingName]: unknown };
}

/** The `systemtap` section as run options, remote hosts and the rest (never throws). */
export function readClientConfig(conf: ConfigSource): ClientConfig {
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(SETTINGS_SCHEMA)) raw[short(name)] = conf.get<unknown>(short(name));
  const { settings: s, problems } = validateSettings(raw);
  const c = readClientSettings(conf, problems);
  const strings = (v: unknown) => [...(v as string[])];
  const nonEmpty = (v: string) => (v === '' ? undefined : v);
  const stap: StapOptions = {
    stapPath: s.stapPath || 'stap',
    runtime: s.runtime === 'kernel' ? undefined : s.runtime,
    kernelBuildDir: nonEmpty(s.kernelBuildDir),
    kernelRelease: s.kernelBuildDir ? undefined : nonEmpty(s.kernelRelease),
    runtimeDir: nonEmpty(c['systemtap.runtimeDir'] as string),
    arch: nonEmpty(s.arch),
    tapsetDirs: [...s.tapsetDirs],
    defines: strings(c['systemtap.defines']),
    guru: s.guruMode,
    compatible: nonEmpty(s.compatible),
    privilege: nonEmpty(c['systemtap.privilege'] as string) as StapOptions['privilege'],
    targetCommand: nonEmpty(s.targetCommand),
    extraOptions: strings(c['systemtap.stapOptions']),
    scriptArguments: [...s.scriptArguments],
    sudo: c['systemtap.useSudo'] as boolean,
  };
  const sshOptions = strings(c['systemtap.sshOptions']);
  const remoteHosts = (c['systemtap.remoteHosts'] as string[])
    .map((d) => d.trim())
    .filter((d) => d !== '')
    .map((destination) => ({ destination, sshOptions: [...sshOptions] }));
  return {
    stap,
    remoteHosts,
    stopTimeoutMs: c['systemtap.stopTimeoutMs'] as number,
    compileOutputDir: c['systemtap.compileOutputDir'] as string,
    problems,
  };
}
