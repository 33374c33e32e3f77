/** Library entry point: the constructs and the estate compiler, for use in any CDK app. */
export { FoundationStack, type FoundationStackProps } from './platform/foundation-stack';
export { IngressShardStack, type IngressShardStackProps } from './platform/ingress-shard-stack';
export { IngressFirewall, type IngressFirewallProps } from './platform/ingress-firewall';
export { AccessLogBucket, type AccessLogBucketProps } from './platform/access-log-bucket';
export type { EnvironmentStackProps } from './platform/props';
export { WebServiceStack, type WebServiceStackProps } from './service/web-service-stack';
export { WebAlarms, type WebAlarmsProps } from './service/web-alarms';
export { compileEstate, type CompileOptions } from './estate/compile';
export { allocateEstate } from './estate/allocation';
export { allocate, SERVICES_PER_SHARD, CERTIFICATES_PER_SHARD } from './estate/allocate';
export { planEstate, type PlanResult, type PlanOptions } from './estate/plan';
export { loadEstate } from './manifest/load';
export { jsonSchemas } from './manifest/schema';
export { EstateError, type Problem } from './manifest/problems';
export type { EstateSpec, EnvironmentSpec, ServiceSpec } from './manifest/spec';
export { checkPolicy, policyPacks } from './policy/packs';
