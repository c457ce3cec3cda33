// A grpc.health.v1 client for doctor: Check with a deadline, answering with
// what came back (a serving status, or the gRPC error code) and how long it
// took. The messages come from the descriptors generated from
// proto/third_party/grpc/health/v1/health.proto (src/wire/health-messages.ts),
// the service the control plane serves; no .proto file is read at run time.

import { makeGenericClientConstructor, status, type ChannelCredentials, type ChannelOptions, type Client, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { HEALTH_SERVICE, healthType } from '../../wire/health-messages.js';

type RawHealthClient = Client & {
  Check(request: { service: string }, options: { deadline: number }, callback: (error: ServiceError | null, response?: { status: string }) => void): ClientUnaryCall;
};
type HealthClientConstructor = new (target: string, credentials: ChannelCredentials, options?: ChannelOptions) => RawHealthClient;

let constructor: HealthClientConstructor | undefined;
function healthClientConstructor(): HealthClientConstructor {
  if (!constructor) {
    const request = healthType('HealthCheckRequest');
    const response = healthType('HealthCheckResponse');
    constructor = makeGenericClientConstructor(
      {
        Check: {
          path: `/${HEALTH_SERVICE}/Check`,
          requestStream: false,
          responseStream: false,
          requestSerialize: (value: object) => Buffer.from(request.encode(request.fromObject(value)).finish()),
          requestDeserialize: (bytes: Buffer) => request.toObject(request.decode(bytes)),
          responseSerialize: (value: object) => Buffer.from(response.encode(response.fromObject(value)).finish()),
          // The status by name (SERVING), as the answer reports it.
          responseDeserialize: (bytes: Buffer) => response.toObject(response.decode(bytes), { enums: String, defaults: true }),
        },
      },
      'Health',
    ) as unknown as HealthClientConstructor;
  }
  return constructor;
}

/** One Check's outcome. */
export interface HealthAnswer {
  /** SERVING, NOT_SERVING, UNKNOWN, SERVICE_UNKNOWN when the call succeeded; else the status code's name (UNIMPLEMENTED, NOT_FOUND, UNAVAILABLE, ...). */
  readonly status: string;
  /** Whether a gRPC server answered: any status but UNAVAILABLE, DEADLINE_EXCEEDED and CANCELLED, which grpc-js also reports for calls that never reached one. */
  readonly answered: boolean;
  /** The error's details, when the call failed. */
  readonly details?: string;
  readonly code: status;
  /** Milliseconds from sending to the answer. */
  readonly elapsedMs: number;
  /** The address the call went to, as grpc-js reports it. */
  readonly peer: string | undefined;
}

const NOT_ANSWERED: ReadonlySet<status> = new Set([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED]);

export class HealthProbe {
  private readonly client: RawHealthClient;

  constructor(target: string, credentials: ChannelCredentials, options: ChannelOptions = {}) {
    this.client = new (healthClientConstructor())(target, credentials, options);
  }

  check(service: string, deadlineMs: number): Promise<HealthAnswer> {
    return new Promise((resolve) => {
      const started = performance.now();
      const call = this.client.Check({ service }, { deadline: Date.now() + deadlineMs }, (error, response) => {
        const elapsedMs = performance.now() - started;
        let peer: string | undefined;
        try {
          peer = call.getPeer();
        } catch {
          peer = undefined;
        }
        if (error) {
          resolve({ status: status[error.code] ?? String(error.code), code: error.code, answered: !NOT_ANSWERED.has(error.code), details: error.details, elapsedMs, peer });
        } else {
          resolve({ status: response?.status ?? 'UNKNOWN', code: status.OK, answered: true, elapsedMs, peer });
        }
      });
    });
  }

  close(): void {
    this.client.close();
  }
}
