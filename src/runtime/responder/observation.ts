/**
 * What the responder understands of an EventBridge event: one `Observation` per event it can act
 * on, read defensively (events are untrusted JSON; AWS adds fields and older events lack some),
 * or the reason it is ignored. No AWS SDK here: `cityplan runbook replay` reads files with it.
 *
 * Shapes follow the AWS documentation of each event (ECS task, deployment and service action
 * events; CloudWatch alarm state change; ACM; AWS Health; Config; GuardDuty finding format) and the
 * samples in test/fixtures/events/.
 */

/** Fields every EventBridge event carries (`id` is the idempotency key). */
export interface Envelope {
  readonly id: string;
  readonly detailType: string;
  readonly source: string;
  readonly time: string;
  readonly account?: string;
  readonly region?: string;
}

export interface StoppedContainer {
  readonly name: string;
  readonly exitCode?: number;
  readonly reason?: string;
}

export type Observation = Envelope &
  (
    | {
        readonly type: 'task-stopped';
        readonly cluster: string;
        /** From the task's group `service:<name>`; undefined for a standalone task (a job run). */
        readonly service?: string;
        readonly taskArn: string;
        readonly taskDefinitionArn?: string;
        readonly stopCode?: string;
        readonly stoppedReason?: string;
        readonly containers: readonly StoppedContainer[];
        /** Task-level CPU units and memory MiB. */
        readonly cpu?: number;
        readonly memory?: number;
      }
    | { readonly type: 'deployment' | 'service-action'; readonly cluster: string; readonly service: string; readonly eventName: string; readonly reason?: string }
    | {
        readonly type: 'alarm';
        readonly alarmName: string;
        readonly state: string;
        readonly previousState?: string;
        readonly reason?: string;
      }
    | {
        readonly type: 'compliance';
        readonly rule: string;
        readonly resourceType: string;
        readonly resourceId: string;
        readonly compliance: string;
      }
    | { readonly type: 'certificate'; readonly certificateArn: string; readonly daysToExpiry?: number; readonly commonName?: string }
    | {
        readonly type: 'health';
        readonly category: string;
        readonly code: string;
        readonly awsService: string;
        readonly entities: readonly string[];
        readonly description?: string;
        readonly startTime?: string;
      }
    | {
        readonly type: 'finding';
        readonly findingId: string;
        readonly findingType: string;
        readonly severity: number;
        readonly cluster?: string;
        readonly taskArn?: string;
        readonly service?: string;
      }
  );

export type Read = { readonly observation: Observation } | { readonly ignored: string; readonly id?: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The last path segment of an ARN resource (`…:cluster/justice-staging` → `justice-staging`). */
const clusterOf = (arn: string | undefined) => arn?.match(/:cluster\/([^/]+)$/)?.[1];
/** `…:service/<cluster>/<service>` (current format) or `…:service/<service>` (old format). */
function serviceArn(arn: string | undefined): { cluster?: string; service: string } | undefined {
  const m = arn?.match(/:service\/(?:([^/]+)\/)?([^/]+)$/);
  return m ? { cluster: m[1], service: m[2]! } : undefined;
}
const serviceOfGroup = (group: string | undefined) => group?.match(/^service:(.+)$/)?.[1];

/**
 * Reads one event. Never throws: anything it cannot read is `{ ignored }` with the reason, which the
 * handler logs.
 */
export function readEvent(raw: unknown): Read {
  if (!isObject(raw)) return { ignored: 'not a JSON object' };
  const id = str(raw.id);
  const detailType = str(raw['detail-type']);
  const source = str(raw.source);
  const detail = raw.detail;
  if (!id || !detailType || !source || !isObject(detail)) {
    return { ignored: 'not an EventBridge event: it needs id, detail-type, source and a detail object', ...(id ? { id } : {}) };
  }
  const envelope: Envelope = { id, detailType, source, time: str(raw.time) ?? new Date(0).toISOString(), account: str(raw.account), region: str(raw.region) };
  const resources = list(raw.resources).filter((r): r is string => typeof r === 'string');
  const observed = observe(envelope, detail, resources);
  return typeof observed === 'string' ? { ignored: observed, id } : { observation: observed };
}

function observe(e: Envelope, d: Json, resources: readonly string[]): Observation | string {
  switch (`${e.source} ${e.detailType}`) {
    case 'aws.ecs ECS Task State Change': {
      const cluster = clusterOf(str(d.clusterArn));
      const taskArn = str(d.taskArn);
      if (!cluster || !taskArn) return 'ECS task event without clusterArn or taskArn';
      if (d.lastStatus !== 'STOPPED') return `ECS task ${String(d.lastStatus)}: only stopped tasks are answered`;
      const containers = list(d.containers)
        .filter(isObject)
        .map((c) => ({ name: str(c.name) ?? '?', exitCode: num(c.exitCode), reason: str(c.reason) }));
      return {
        ...e,
        type: 'task-stopped',
        cluster,
        service: serviceOfGroup(str(d.group)),
        taskArn,
        taskDefinitionArn: str(d.taskDefinitionArn),
        stopCode: str(d.stopCode),
        stoppedReason: str(d.stoppedReason),
        containers,
        cpu: num(d.cpu),
        memory: num(d.memory),
      };
    }
    case 'aws.ecs ECS Deployment State Change':
    case 'aws.ecs ECS Service Action': {
      const svc = serviceArn(resources[0]);
      const cluster = svc?.cluster ?? clusterOf(str(d.clusterArn));
      const eventName = str(d.eventName);
      if (!svc || !cluster || !eventName) return 'ECS service event without a service ARN in resources or an eventName';
      return { ...e, type: e.detailType === 'ECS Service Action' ? 'service-action' : 'deployment', cluster, service: svc.service, eventName, reason: str(d.reason) };
    }
    case 'aws.cloudwatch CloudWatch Alarm State Change': {
      const alarmName = str(d.alarmName);
      const state = isObject(d.state) ? str(d.state.value) : undefined;
      if (!alarmName || !state) return 'alarm event without alarmName or state';
      const previousState = isObject(d.previousState) ? str(d.previousState.value) : undefined;
      return { ...e, type: 'alarm', alarmName, state, previousState, reason: isObject(d.state) ? str(d.state.reason) : undefined };
    }
    case 'aws.config Config Rules Compliance Change': {
      const result = isObject(d.newEvaluationResult) ? d.newEvaluationResult : {};
      const rule = str(d.configRuleName);
      const resourceType = str(d.resourceType);
      const resourceId = str(d.resourceId);
      const compliance = str(result.complianceType);
      if (!rule || !resourceType || !resourceId || !compliance) return 'Config event without rule, resource or compliance';
      return { ...e, type: 'compliance', rule, resourceType, resourceId, compliance };
    }
    case 'aws.acm ACM Certificate Approaching Expiration': {
      const certificateArn = resources.find((r) => r.includes(':certificate/'));
      if (!certificateArn) return 'certificate event without a certificate ARN in resources';
      return { ...e, type: 'certificate', certificateArn, daysToExpiry: num(d.DaysToExpiry), commonName: str(d.CommonName) };
    }
    case 'aws.health AWS Health Event': {
      const code = str(d.eventTypeCode);
      const category = str(d.eventTypeCategory);
      if (!code || !category) return 'Health event without eventTypeCode or eventTypeCategory';
      const entities = list(d.affectedEntities)
        .map((x) => (isObject(x) ? str(x.entityValue) : undefined))
        .filter((x): x is string => x !== undefined);
      const description = list(d.eventDescription).map((x) => (isObject(x) ? str(x.latestDescription) : undefined)).find((x) => x);
      return { ...e, type: 'health', category, code, awsService: str(d.service) ?? '?', entities: [...new Set([...entities, ...resources])], description, startTime: str(d.startTime) };
    }
    case 'aws.guardduty GuardDuty Finding': {
      const severity = num(d.severity);
      const findingType = str(d.type);
      if (severity === undefined || !findingType) return 'GuardDuty event without severity or type';
      const resource = isObject(d.resource) ? d.resource : {};
      const ecs = isObject(resource.ecsClusterDetails) ? resource.ecsClusterDetails : undefined;
      const task = ecs && isObject(ecs.taskDetails) ? ecs.taskDetails : undefined;
      return {
        ...e,
        type: 'finding',
        findingId: str(d.id) ?? e.id,
        findingType,
        severity,
        cluster: ecs ? (str(ecs.name) ?? clusterOf(str(ecs.arn))) : undefined,
        taskArn: task ? str(task.arn) : undefined,
        service: task ? serviceOfGroup(str(task.group)) : undefined,
      };
    }
    default:
      return `no runbook answers ${e.source} "${e.detailType}"`;
  }
}
