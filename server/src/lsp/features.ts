/**
 * The list of IDE features the server offers. Each feature is a module in lsp/handlers/ that
 * adds its capabilities and registers its (thin, guarded) handlers; the work itself is a pure
 * function in ide/ over a document's Analysis. Adding a feature is one import and one entry.
 */
import type { Connection, ServerCapabilities } from 'vscode-languageserver';

import type { Workspace } from '../workspace/workspace';
import { definitionFeature } from './handlers/definition';
import { referencesFeature } from './handlers/references';
import { renameFeature } from './handlers/rename';
import { symbolsFeature } from './handlers/symbols';
import { completionFeature } from './handlers/completion';
import { foldingFeature } from './handlers/folding';
import { hoverFeature } from './handlers/hover';
import { semanticTokensFeature } from './handlers/semantic-tokens';
import { signatureHelpFeature } from './handlers/signature-help';

/** Wraps a handler so that an exception is logged and answered with `fallback`. */
export type Guard = <P, R>(what: string, fallback: R, handler: (params: P) => R) => (params: P) => R;

export interface Feature {
  /** What to announce in `initialize`. */
  capabilities: ServerCapabilities;
  register(connection: Connection, workspace: Workspace, guarded: Guard): void;
}

const FEATURES: Feature[] = [hoverFeature, completionFeature, signatureHelpFeature, foldingFeature, semanticTokensFeature, definitionFeature, referencesFeature, renameFeature, symbolsFeature];

/** Registers every feature; returns their capabilities, merged. */
export function registerFeatures(connection: Connection, workspace: Workspace, guarded: Guard): ServerCapabilities {
  const capabilities: ServerCapabilities = {};
  for (const f of FEATURES) {
    Object.assign(capabilities, f.capabilities);
    f.register(connection, workspace, guarded);
  }
  return capabilities;
}
