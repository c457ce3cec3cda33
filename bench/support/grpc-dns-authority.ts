// grpc-js's DNS resolver reads the DNS server from a target's authority
// (dns://127.0.0.1:5353/name:port) but asks it only when the environment
// variable GRPC_NODE_USE_ALTERNATIVE_RESOLVER is "true"; otherwise it calls
// dns.lookup (getaddrinfo, the system's resolver) and the authority is
// silently ignored (@grpc/grpc-js build/src/resolver-dns.js, lookup()). The
// variable is read once, when grpc-js loads (build/src/environment.js), so
// this module must be imported before anything that imports @grpc/grpc-js:
// make it the first import of the benchmark.
//
// Only the lookup differs between the two: the same DnsResolver class, with
// the same rules for when to resolve again, runs either way; with the
// variable set it queries A and AAAA through c-ares (and TXT for a service
// config, as it always does). A pod's grpc-js reaches CoreDNS through
// getaddrinfo and /etc/resolv.conf instead, which a benchmark cannot point
// at a DNS server on another port without changing the machine.

process.env.GRPC_NODE_USE_ALTERNATIVE_RESOLVER = 'true';

export const GRPC_DNS_AUTHORITY_ENVIRONMENT = { GRPC_NODE_USE_ALTERNATIVE_RESOLVER: 'true' } as const;
