// Types of bundle-config.mjs, for the TypeScript that imports it (bench/, test/).
import type { BuildOptions } from 'esbuild';

export function cliBundleOptions(
  entry: string,
  outfile: string,
  options?: { production?: boolean; sourcemap?: boolean },
): BuildOptions;

export function extensionBundleOptions(
  entry: string,
  outfile: string,
  options?: { production?: boolean; sourcemap?: boolean },
): BuildOptions;
