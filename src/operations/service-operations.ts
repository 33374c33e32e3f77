/**
 * What each service stack adds for the environment's responder: alarms on its log stream
 * (LogAlarms) and its responder settings, published as one SSM parameter the responder reads
 * (no Lambda, custom resource or export per service). Called once from serviceTask.
 */
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { EnvironmentSpec, ServiceSpec } from '../manifest/spec';
import { parameter } from '../naming/names';
import { LogAlarms } from './log-alarms';
import { responderSettings } from './responder-settings';

/** SSM standard parameters hold at most 4 KB (Systems Manager quotas). */
const STANDARD_PARAMETER_BYTES = 4096;

export interface ServiceOperationsProps {
  readonly estate: string;
  readonly environment: EnvironmentSpec;
  readonly service: ServiceSpec;
  readonly logGroup: logs.ILogGroup;
}

export class ServiceOperations extends Construct {
  constructor(scope: Construct, id: string, props: ServiceOperationsProps) {
    super(scope, id);
    const { estate, environment: env, service } = props;
    new LogAlarms(this, 'LogAlarms', { estate, environment: env.name, service, logGroup: props.logGroup });
    const value = JSON.stringify(responderSettings(service, env.protect));
    // Bounded by the manifest (a few hundred bytes); the check keeps a future field from silently needing the advanced tier.
    if (Buffer.byteLength(value) > STANDARD_PARAMETER_BYTES) throw new Error(`${service.name}: responder settings of ${Buffer.byteLength(value)} bytes exceed an SSM standard parameter's 4 KB`);
    new ssm.StringParameter(this, 'ResponderSettings', {
      parameterName: parameter.responderSettings(estate, env.name, service.name),
      stringValue: value,
      description: `cityplan ${estate}/${env.name}/${service.name}: what the runbook responder needs to know`,
    });
  }
}
