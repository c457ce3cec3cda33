// Which endpoints of a Service port take traffic: kube-proxy's rule, so
// lookaside clients and kube-proxy agree on every pod at every moment.
//
//  - Use the ready endpoints.
//  - Only when none is ready, use the serving-and-terminating ones: during a
//    rolling update or a scale-down to zero the old pods still answer while
//    they drain, and sending nothing would fail every call.
//  - Never use an endpoint that is not serving.

/** The conditions of one endpoint, with the API's defaults already applied. */
export interface EndpointConditions {
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
}

/** How good a copy of an endpoint is; used to pick among duplicates. */
export enum Usability {
  NotServing = 0,
  ServingTerminating = 1,
  Ready = 2,
}

export function usabilityOf(conditions: EndpointConditions): Usability {
  if (conditions.ready) return Usability.Ready;
  if (conditions.serving && conditions.terminating) return Usability.ServingTerminating;
  return Usability.NotServing;
}

/**
 * Picks the endpoints that take traffic, kube-proxy's way. `endpoints` must
 * already be de-duplicated, each with its best condition.
 */
export function selectUsable<T extends EndpointConditions>(endpoints: readonly T[]): T[] {
  const ready = endpoints.filter((e) => usabilityOf(e) === Usability.Ready);
  if (ready.length > 0) return ready;
  return endpoints.filter((e) => usabilityOf(e) === Usability.ServingTerminating);
}
