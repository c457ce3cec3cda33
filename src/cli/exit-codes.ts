// Exit codes of the `lookaside` command, stable for scripts. Documented in
// docs/operations.md; changing one is a breaking change.
export const ExitCode = {
  /** Success; for `serve`, a clean shutdown after SIGTERM or SIGINT. */
  OK: 0,
  /** The command failed at run time: a source that cannot start, a bug. */
  FAILURE: 1,
  /** Bad usage: an unknown flag, a malformed argument or value. */
  USAGE: 2,
  /** `get`: the control plane does not know the service or port. */
  NOT_FOUND: 3,
  /** The control plane could not be reached, or is not serving yet. */
  UNAVAILABLE: 4,
  /** `doctor`: at least one check failed (or, with --strict, warned). */
  CHECK_FAILED: 5,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
