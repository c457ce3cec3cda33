// The lookaside_routing policy: the top of every lookaside channel. It keeps
// one child policy (the channel's configured one: weighted round robin by
// default) per Service port the channel's calls may go to: the target's own
// (key "") and, when GRPCRoutes route the target, each Service port the route
// table names, whose endpoints the resolver passes in the channel options
// under ROUTE_TARGETS_OPTION. A call is sent to the child the resolver's
// config selector chose for it (the pick's extra information under
// ROUTE_PICK_KEY), so each target's weights, ranks and connections stay its
// own. Without routes it has the one child and only passes its state on.
//
//   {"loadBalancingConfig": [{"lookaside_routing": {"childPolicy": [{"lookaside_weighted_round_robin": {}}]}}]}

import type { ChannelOptions, connectivityState, experimental } from '@grpc/grpc-js';
import { ConnectivityState, type GrpcModule } from '../grpc/grpc-module.js';
import { LoadBalancingConfigError } from './load-balancing-config-error.js';
import { readResolverContext } from './resolver-context.js';
import { countCall } from './call-counting.js';
import type { CallLoadCounters } from '../control-plane/call-load-counters.js';

export const ROUTING_POLICY = 'lookaside_routing';
/** The channel option under which the resolver passes each route target's endpoints (a Map by target key). */
export const ROUTE_TARGETS_OPTION = 'grpc-lookaside.route_targets';
/** The pick information key that names the chosen target ("" or absent: the channel's own). */
export const ROUTE_PICK_KEY = 'lookaside-route-target';

type Endpoint = experimental.Endpoint;
type StatusOr<T> = experimental.StatusOr<T>;
export type RouteTargetEndpoints = ReadonlyMap<string, StatusOr<Endpoint[]>>;

export class RoutingLoadBalancingConfig implements experimental.TypedLoadBalancingConfig {
  constructor(readonly child: experimental.TypedLoadBalancingConfig) {}

  getLoadBalancerName(): string {
    return ROUTING_POLICY;
  }

  toJsonObject(): object {
    return { [ROUTING_POLICY]: { childPolicy: [this.child.toJsonObject()] } };
  }
}

/** Parses the config with `grpc`'s own registry of policies (the child may be any registered one). */
export function routingConfigClass(grpc: GrpcModule) {
  return class extends RoutingLoadBalancingConfig {
    static createFromJson(json: unknown): RoutingLoadBalancingConfig {
      const childPolicy = (json as { childPolicy?: unknown } | null)?.childPolicy;
      if (!Array.isArray(childPolicy)) throw new LoadBalancingConfigError(ROUTING_POLICY, 'childPolicy', 'must be a list of load balancing configs');
      const child = grpc.experimental.selectLbConfigFromList(childPolicy as Parameters<GrpcModule["experimental"]["selectLbConfigFromList"]>[0]);
      if (!child) throw new LoadBalancingConfigError(ROUTING_POLICY, 'childPolicy', 'names no registered load balancing policy');
      return new RoutingLoadBalancingConfig(child);
    }
  };
}

interface Child {
  readonly handler: experimental.ChildLoadBalancerHandler;
  state: connectivityState;
  picker: experimental.Picker;
}

export class RoutingLoadBalancer implements experimental.LoadBalancer {
  private readonly children = new Map<string, Child>();
  private destroyed = false;
  /** The registration's counters (load reports on) and the channel's own target, which key "" stands for. */
  private loads: { readonly counters: CallLoadCounters; readonly ownTarget: string } | undefined;

  constructor(
    private readonly helper: experimental.ChannelControlHelper,
    private readonly grpc: GrpcModule,
  ) {}

  updateAddressList(endpoints: StatusOr<Endpoint[]>, config: experimental.TypedLoadBalancingConfig, options: ChannelOptions, resolutionNote: string): boolean {
    if (!(config instanceof RoutingLoadBalancingConfig)) return false;
    const context = readResolverContext(this.grpc, options);
    this.loads = context?.callLoads && { counters: context.callLoads, ownTarget: context.service };
    const targets = ((options as Record<string, unknown>)[ROUTE_TARGETS_OPTION] as RouteTargetEndpoints | undefined) ?? new Map();
    const wanted = new Map<string, StatusOr<Endpoint[]>>([['', endpoints], ...targets]);
    for (const [key, child] of this.children) {
      if (wanted.has(key)) continue;
      child.handler.destroy();
      this.children.delete(key);
    }
    for (const [key, list] of wanted) {
      let child = this.children.get(key);
      if (!child) {
        const api = this.grpc.experimental;
        const created: Child = {
          handler: undefined as unknown as experimental.ChildLoadBalancerHandler,
          state: ConnectivityState.IDLE,
          picker: new api.QueuePicker(this),
        };
        const childHelper = api.createChildChannelControlHelper(this.helper, {
          updateState: (state, picker) => {
            created.state = state;
            created.picker = picker;
            this.publish();
          },
        });
        (created as { handler: experimental.ChildLoadBalancerHandler }).handler = new api.ChildLoadBalancerHandler(childHelper);
        child = created;
        this.children.set(key, child);
      }
      child.handler.updateAddressList(list, config.child, options, resolutionNote);
    }
    this.publish();
    return true;
  }

  exitIdle(): void {
    for (const child of this.children.values()) child.handler.exitIdle();
  }

  resetBackoff(): void {
    for (const child of this.children.values()) child.handler.resetBackoff();
  }

  destroy(): void {
    this.destroyed = true;
    for (const child of this.children.values()) child.handler.destroy();
    this.children.clear();
  }

  getTypeName(): string {
    return ROUTING_POLICY;
  }

  /** The channel is as ready as the best of its children; each call is picked by its own target's child. */
  private publish(): void {
    if (this.destroyed) return;
    const { READY, CONNECTING, TRANSIENT_FAILURE, IDLE } = ConnectivityState;
    const states = [...this.children.values()].map((child) => child.state);
    const state: connectivityState = states.includes(READY) ? READY : states.includes(CONNECTING) ? CONNECTING : states.includes(IDLE) ? IDLE : TRANSIENT_FAILURE;
    const pickers = new Map([...this.children].map(([key, child]) => [key, child.picker]));
    const queue = new this.grpc.experimental.QueuePicker(this);
    const loads = this.loads;
    this.helper.updateState(state, loads ? {
      // Each call is counted for the target it was routed to (load reports).
      pick: (args) => {
        const key = args.extraPickInfo[ROUTE_PICK_KEY] ?? '';
        return countCall((pickers.get(key) ?? queue).pick(args), loads.counters, key || loads.ownTarget);
      },
    } : {
      pick: (args) => (pickers.get(args.extraPickInfo[ROUTE_PICK_KEY] ?? '') ?? queue).pick(args),
    }, null);
  }
}
