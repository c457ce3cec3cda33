// Errors for load-balancing configs that cannot be used. grpc-js reports them
// as an invalid service config; the message names the policy, the field and
// what is allowed.

export class LoadBalancingConfigError extends Error {
  constructor(policy: string, field: string | undefined, rule: string) {
    super(`${policy} config${field ? ` field "${field}"` : ''}: ${rule}`);
    this.name = 'LoadBalancingConfigError';
  }
}

/** Checks that `json` is a plain object with no fields other than `allowed`. */
export function checkConfigObject(policy: string, json: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (json === undefined || json === null) return {};
  if (typeof json !== 'object' || Array.isArray(json)) {
    throw new LoadBalancingConfigError(policy, undefined, `must be an object${allowed.length ? ` with optional fields ${allowed.map((f) => `"${f}"`).join(', ')}` : ' and takes no fields: {}'}`);
  }
  const unknown = Object.keys(json).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new LoadBalancingConfigError(
      policy,
      unknown[0],
      `is not a field of this policy; ${allowed.length ? `allowed: ${allowed.map((f) => `"${f}"`).join(', ')}` : 'it takes no fields: {}'}`,
    );
  }
  return json as Record<string, unknown>;
}
