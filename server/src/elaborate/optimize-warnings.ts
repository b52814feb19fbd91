/**
 * The optimiser's warnings: stap prints them only in the first round of the optimisation loop
 * (elaborate.cxx `semantic_pass_optimize1` sets `suppress_warnings` from the second round on,
 * unless `-vvv`), and most only for code in a user file (`systemtap_session::is_user_file`).
 */
import type { Token } from '../passes/parse/token';
import { reportWarning, type Elaboration } from './model';

export class OptimizerWarnings {
  /** Set from the second round on (stap `suppress_warnings`). */
  suppressed = false;

  constructor(private readonly e: Elaboration) {}

  warn(message: string, tok?: Token): void {
    if (!this.suppressed) reportWarning(this.e, message, tok);
  }

  /** stap `is_user_file(tok->location.file->name)`. */
  isUserToken(tok: Token | undefined): boolean {
    if (!tok) return false;
    const name = tok.location.file.name;
    return this.e.userFiles.some((f) => f.name === name);
  }
}
