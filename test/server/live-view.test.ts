// The live page's view: intended shares and ranks from the registry's
// weights and the connected callers' zones, measured shares and error rates
// from load reports, and calls reported to a backend the registry no longer
// lists. A real Registry and a real TrafficObserver on a clock the test holds.

import { describe, expect, it } from 'vitest';
import { Registry } from '../../src/registry/registry.js';
import { TrafficObserver } from '../../src/observer/traffic-observer.js';
import { buildLiveView, type LiveService } from '../../src/observer/live-view.js';
import { ManualClock } from '../support/manual-clock.js';

const CLUSTER = 'greeter.app:50051';

function registryWith(trafficDistribution: '' | 'PreferSameZone'): Registry {
  const registry = new Registry();
  registry.upsert({
    name: 'greeter',
    namespace: 'app',
    trafficDistribution,
    ports: [
      {
        name: 'grpc',
        port: 50051,
        backends: [
          { host: '127.0.0.1', port: 9001, weight: 100, zone: 'a' },
          { host: '127.0.0.2', port: 9001, weight: 300, zone: 'a' },
          { host: '127.0.0.3', port: 9001, weight: 100, zone: 'b' },
        ],
      },
    ],
  });
  return registry;
}

function caller(observer: TrafficObserver, zone: string): void {
  observer.streamOpened({}, { protocol: 'xds', clientId: `in-${zone}`, node: '', zone, peer: '127.0.0.1:1', targets: [CLUSTER] }, true);
}

function service(registry: Registry, observer: TrafficObserver): LiveService {
  return buildLiveView(registry, observer.snapshot()).services.find((s) => s.cluster === CLUSTER)!;
}

const columns = (s: LiveService) => s.backends.map((b) => [b.address, b.rank, Number(b.intendedShare.toFixed(2))]);

describe('the live view', () => {
  it('intends shares by weight when callers are not ranked, every backend rank 0', () => {
    const observer = new TrafficObserver({ clock: new ManualClock() });
    caller(observer, 'a');
    expect(columns(service(registryWith(''), observer))).toEqual([
      ['127.0.0.1:9001', '0', 20],
      ['127.0.0.2:9001', '0', 60],
      ['127.0.0.3:9001', '0', 20],
    ]);
  });

  it('with PreferSameZone, ranks each backend for the connected callers and averages their intended shares over them', () => {
    const observer = new TrafficObserver({ clock: new ManualClock() });
    const registry = registryWith('PreferSameZone');
    caller(observer, 'a');
    // One caller in zone a: its zone's backends by weight 1:3; zone b's is rank 1 and idle.
    expect(columns(service(registry, observer))).toEqual([
      ['127.0.0.1:9001', '0', 25],
      ['127.0.0.2:9001', '0', 75],
      ['127.0.0.3:9001', '1', 0],
    ]);
    caller(observer, 'b');
    // And one in zone b: half of all calls go to zone b's one backend.
    expect(columns(service(registry, observer))).toEqual([
      ['127.0.0.1:9001', '0/1', 12.5],
      ['127.0.0.2:9001', '0/1', 37.5],
      ['127.0.0.3:9001', '0/1', 50],
    ]);
  });

  it('measures shares and error rates from reports, and lists a reported backend the registry no longer has as removed', () => {
    const observer = new TrafficObserver({ clock: new ManualClock() });
    observer.report({ protocol: 'xds', clientId: 'c' }, [
      { cluster: CLUSTER, backends: ['127.0.0.1:9001'], succeeded: 30, failed: 10, inProgress: 0 },
      { cluster: CLUSTER, backends: ['127.0.0.2:9001'], succeeded: 120, failed: 0, inProgress: 0 },
      { cluster: CLUSTER, backends: ['127.0.0.9:9001'], succeeded: 40, failed: 0, inProgress: 0 },
    ]);
    const view = service(registryWith(''), observer);
    expect(view.succeeded + view.failed).toBe(200);
    expect(view.errorRate).toBe(5);
    expect(view.backends.map((b) => [b.address, b.weight, b.measuredShare, b.errorRate])).toEqual([
      ['127.0.0.1:9001', 100, 20, 25],
      ['127.0.0.2:9001', 300, 60, 0],
      ['127.0.0.3:9001', 100, 0, undefined],
      ['127.0.0.9:9001', undefined, 20, 0],
    ]);
  });
});
