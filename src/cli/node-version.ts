// The Node versions the control plane runs on. Its Kubernetes client
// (@kubernetes/client-node 2, through undici) fails on older ones deep inside
// an import, with errors such as "Cannot read properties of undefined
// (reading 'bind')" that say nothing about the cause; checking first turns
// that into one line naming the version needed.

/** The oldest Node the control plane supports: package.json "engines" says the same. */
export const MINIMUM_NODE = '22.19.0';

function parts(version: string): number[] {
  return version.replace(/^v/, '').split('.').map((part) => Number.parseInt(part, 10) || 0);
}

/** Whether `version` ("v20.20.2" or "20.20.2") is at least `minimum`. */
export function isSupportedNode(version: string, minimum: string = MINIMUM_NODE): boolean {
  const have = parts(version);
  const need = parts(minimum);
  for (let i = 0; i < need.length; i++) {
    const a = have[i] ?? 0;
    const b = need[i]!;
    if (a !== b) return a > b;
  }
  return true;
}

/** The one line printed when the running Node is too old. */
export function unsupportedNodeMessage(version: string): string {
  return `lookaside: Node ${MINIMUM_NODE} or newer is required; this is Node ${version.replace(/^v/, '')} (${process.execPath}). Install Node 22.19+ or 24 LTS.`;
}
